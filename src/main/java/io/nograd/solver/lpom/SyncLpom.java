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
 * pool of {@code threads} owned by the solver for the duration of an epoch.
 */
final class SyncLpom extends LpomSolver {

    private final int threads;
    private final List<Callable<Void>> first = new ArrayList<>();
    private final List<Callable<Void>> second = new ArrayList<>();
    private final List<Callable<Void>> weights = new ArrayList<>();
    private ExecutorService pool;
    private Network net;
    private LiftedBatch lifted;
    private R064Store target;
    private EpochFigures figures;

    SyncLpom(int[] sizes, Loss loss, LpomParams p, int threads) {
        super(sizes, loss, p);
        this.threads = threads;
        int n = sizes.length;
        // the group holding X^n goes first (the paper's odd group when n is odd), each group's costliest tasks first
        for (int i = n - 2; i >= 2; i -= 2) first.add(hidden(i));
        first.add(() -> {
            lifted.updateOutput(net, target);
            return null;
        });
        for (int i = n - 1; i >= 2; i -= 2) second.add(hidden(i));
        for (int i = 1; i < n; i++) {
            int layer = i;
            weights.add(() -> {
                lifted.updateWeights(net, layer, figures);
                return null;
            });
        }
    }

    private Callable<Void> hidden(int i) {
        return () -> {
            lifted.updateHidden(net, i);
            return null;
        };
    }

    @Override
    public EpochReport trainEpoch(Network network, Batches batches, Cancellation cancel) {
        AtomicInteger count = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lpom-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        for (int k = 0; k < p.k1(); k++) {
            // the group with X^n: X̃ by K3 steps of eq. (29)/(26) from X^{i±1,k}, then X^{i,k+1} = νX̃ + (1 − ν)X^{i,k}
            runAll(first);
            // the other group, from its neighbours' X^{i±1,k+1}
            runAll(second);
        }
        // every W^i by K2 steps of eq. (36), all at once
        runAll(weights);
    }

    private void runAll(List<Callable<Void>> tasks) {
        if (tasks.isEmpty()) return;
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) f.get();
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
