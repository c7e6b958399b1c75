package io.nograd.solver.lpom;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batches;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;

/**
 * Synchronous-parallel LPOM, Algorithm 3 of Li et al. (TPAMI 2022): per sweep, one group of alternate
 * layers' X^i updated simultaneously, then the other group with the first group's new values, each by K3
 * iterations of eq. (26)/(29) and the moving average with ν; then all W^i at once. The threads are a fixed
 * pool of {@code threads} (the job's cores) owned by the solver for the duration of an epoch.
 * <p>
 * Choices beyond {@link Lpom}'s:
 * <ul>
 * <li>The group holding the output X^n goes first (the paper's odd group when n is odd), so the label's
 * pull enters in the first half-sweep, as in the serial order.</li>
 * <li>Within a group the costliest tasks are queued first (hidden layers, then the output), and the forward
 * pass that starts each batch is split by columns (samples) across the threads: it is a chain over layers,
 * and left serial it would bound the layer speedup.</li>
 * <li>Two X^i of one group are never adjacent, so they read each other's buffers only in the other group's
 * half-sweep: no locks, and the result does not depend on thread timing (runs are reproducible).</li>
 * <li>Sweeps: the odd/even schedule carries the label's pull down one layer per half-sweep, where the serial
 * backward sweep carries it through all layers, so at equal K1 sync-LPOM trails serial; give it one more sweep.</li>
 * <li>ν: all X^i of a group move at once from their neighbours' old values, so the parallel schedule needs more
 * damping than the serial one; the autoencoder bench uses ν = 0.3 for both solvers.</li>
 * </ul>
 * The parallelism is over layers: {@link #threads()} tells the job's thread budget to run BLAS single-threaded.
 */
final class SyncLpom extends LpomSolver {

    private final int threads;
    private final List<Callable<Long>> first = new ArrayList<>();
    private final List<Callable<Long>> second = new ArrayList<>();
    /** {@code order = algorithm-1}: ⓐ's two groups without X^n, then ⓑ alone. */
    private final List<Callable<Long>> firstHidden = new ArrayList<>();
    private final List<Callable<Long>> output = new ArrayList<>();
    private final List<Callable<Long>> weights = new ArrayList<>();
    private final List<ForwardColumns> forwardTasks = new ArrayList<>();
    private final List<Callable<Long>> forward = new ArrayList<>();
    private ExecutorService pool;
    private Network net;
    private LiftedBatch lifted;
    private R064Store target;
    private EpochFigures figures;
    private long workerCpu;
    private long criticalCpu;
    /** CPU time of each worker in the current round. */
    private final long[] roundCpu;

    SyncLpom(int[] sizes, Loss loss, LpomParams p, int threads) {
        super(sizes, loss, p);
        this.threads = threads;
        this.roundCpu = new long[threads];
        int n = sizes.length;
        // the group holding X^n goes first (the paper's odd group when n is odd), each group's costliest tasks first
        for (int i = n - 2; i >= 2; i -= 2) first.add(hidden(i));
        firstHidden.addAll(first);
        output.add(timed(() -> lifted.updateOutput(net, target)));
        first.addAll(output);
        for (int i = n - 1; i >= 2; i -= 2) second.add(hidden(i));
        for (int t = 0; t < threads; t++) forwardTasks.add(new ForwardColumns());
        for (int i = 1; i < n; i++) {
            int layer = i;
            weights.add(timed(() -> lifted.updateWeights(net, layer, figures)));
        }
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    void initialise(Network network, LiftedBatch batch, R064Store input) {
        net = network;
        lifted = batch;
        batch.begin(input);
        int m = batch.columns();
        forward.clear();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) m * t / threads);
            int to = (int) ((long) m * (t + 1) / threads);
            forward.add(forwardTasks.get(t).range(from, to));
        }
        runAll(forward);
        batch.forwardDone();
    }

    private Callable<Long> hidden(int i) {
        return timed(() -> lifted.updateHidden(net, i));
    }

    /** The task, adding the CPU time it took to its worker's share of the round. */
    private Callable<Long> timed(Runnable task) {
        return () -> {
            long start = cpuNanos();
            task.run();
            long cpu = cpuNanos() - start;
            roundCpu[((Worker) Thread.currentThread()).index] += cpu;
            return cpu;
        };
    }

    /** The forward pass on one block of columns (samples), a task reused batch after batch. */
    private final class ForwardColumns implements Callable<Long> {
        private int from;
        private int to;
        private final Callable<Long> task = timed(() -> lifted.forward(net, from, to));

        ForwardColumns range(int first, int end) {
            from = first;
            to = end;
            return this;
        }

        @Override
        public Long call() throws Exception {
            return task.call();
        }
    }

    private static final class Worker extends Thread {
        final int index;

        Worker(Runnable r, int index) {
            super(r, "lpom-" + (index + 1));
            this.index = index;
            setDaemon(true);
        }
    }

    @Override
    public EpochReport trainEpoch(Network network, Batches batches, Cancellation cancel) {
        AtomicInteger count = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> new Worker(r, count.getAndIncrement()));
        workerCpu = 0;
        criticalCpu = 0;
        try {
            return super.trainEpoch(network, batches, cancel);
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    void solveBatch(Network network, LiftedBatch batch, R064Store d, EpochFigures epochFigures) {
        net = network;
        lifted = batch;
        target = d;
        figures = epochFigures;
        if (p.order() == LpomParams.Order.ALGORITHM_1) {
            // Algorithm 1's order (see Lpom): ⓐ both hidden groups from X^n = D, K1 times, then ⓑ
            batch.startOutputAt(d);
            for (int k = 0; k < p.k1(); k++) {
                runAll(firstHidden);
                runAll(second);
            }
            for (int k = 0; k < p.k1(); k++) runAll(output);
        } else {
            for (int k = 0; k < p.k1(); k++) {
                // the group with X^n: X̃ by K3 steps of eq. (29)/(26) from X^{i±1,k}, then X^{i,k+1} = νX̃ + (1 − ν)X^{i,k}
                runAll(first);
                // the other group, from its neighbours' X^{i±1,k+1}
                runAll(second);
            }
        }
        // every W^i by K2 steps of eq. (36), all at once
        runAll(weights);
    }

    @Override
    long workerCpuNanos() { return workerCpu; }

    @Override
    long criticalCpuNanos() { return criticalCpu; }

    private void runAll(List<Callable<Long>> tasks) {
        if (tasks.isEmpty()) return;
        try {
            java.util.Arrays.fill(roundCpu, 0);
            for (Future<Long> f : pool.invokeAll(tasks)) workerCpu += f.get();
            long busiest = 0;
            for (long cpu : roundCpu) busiest = Math.max(busiest, cpu);
            criticalCpu += busiest;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while updating layers in parallel", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
