package io.nograd.solver.lpom;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.solver.BatchBuffers;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverState;

/**
 * The loop both LPOM algorithms share: per mini-batch, X^1 and D from the batch, X^2..X^n by a forward pass
 * with the current weights, then the algorithm's block updates; the epoch's report is F(W, X) and the
 * per-layer residuals and norms. Workspaces exist for at most two batch sizes (full and the epoch's last).
 * <p>
 * The report also carries {@code cpuSeconds} = [CPU time of all the epoch's work, CPU time along its
 * critical path]: equal for the serial solver; for the parallel one their ratio is the speedup the layer
 * parallelism allows on idle cores, a figure that, unlike wall time, survives a machine shared with other jobs.
 */
abstract class LpomSolver implements Solver {

    final LpomParams p;
    private final int[] sizes;
    private final Loss loss;
    private final BatchBuffers<LiftedBatch> buffers = new BatchBuffers<>();
    /** The W steps' ridge floors, one per weight matrix, taken at the job's first batch (see LiftedBatch.WeightStep). */
    private final double[] spreadFloor;
    private EpochFigures figures;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    LpomSolver(int[] sizes, Loss loss, LpomParams p) {
        this.sizes = sizes.clone();
        this.loss = loss;
        this.p = p;
        this.spreadFloor = LiftedBatch.freshSpreadFloor(sizes.length);
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        if (figures == null) figures = new EpochFigures(net, p.penalties(net));
        figures.reset();
        long start = cpuNanos();
        for (Batch batch : batches) {
            cancel.check();
            LiftedBatch lifted = workspace(batch.size());
            initialise(net, lifted, batch.x());
            solveBatch(net, lifted, batch.y(), figures);
            figures.addLoss(lifted.loss(batch.y()), batch.size(), lifted);
        }
        long own = cpuNanos() - start;
        return figures.report(net, (own + workerCpuNanos()) / 1e9, (own + criticalCpuNanos()) / 1e9);
    }

    /**
     * The W steps' ridge floors and the ρ̂ power iterates of each workspace (full batch, then the epoch's last), which
     * warm-start the next batch's estimate; everything else of a batch starts from its forward pass.
     */
    @Override
    public void saveState(SolverState out) {
        out.put("spreadFloor", spreadFloor);
        java.util.List<LiftedBatch> built = buffers.built();
        for (int b = 0; b < built.size(); b++) built.get(b).saveState(out, "batch" + b + "/");
    }

    @Override
    public void restoreState(SolverState in) {
        // a state saved before the floors existed has none: they are taken again at the next batch
        if (in.has("spreadFloor")) in.copyInto("spreadFloor", spreadFloor);
        for (int b = 0; b < 2; b++) {
            int columns = LiftedBatch.columnsIn(in, "batch" + b + "/", sizes);
            if (columns > 0) workspace(columns).restoreState(in, "batch" + b + "/");
        }
    }

    /** CPU time spent by other threads in this epoch (0 for the serial solver). */
    long workerCpuNanos() { return 0; }

    /** Of that, the busiest worker's share of each parallel round, summed: the rounds' time with one idle core per worker. */
    long criticalCpuNanos() { return 0; }

    /** The calling thread's CPU time (with single-threaded BLAS, its share of every product). */
    static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** X^1 = the batch's input, X^2..X^n by a forward pass with the current weights. */
    void initialise(Network net, LiftedBatch lifted, R064Store input) {
        lifted.initialise(net, input);
    }

    /** The algorithm's updates of X^2..X^n and W^1..W^{n-1} for one batch whose X start at the forward pass. */
    abstract void solveBatch(Network net, LiftedBatch lifted, R064Store target, EpochFigures figures);

    private LiftedBatch workspace(int size) {
        return buffers.get(size, s -> new LiftedBatch(sizes, s, p, loss, spreadFloor));
    }
}
