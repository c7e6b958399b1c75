package io.nograd.solver.lpom;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.Solver;

/**
 * The loop both LPOM algorithms share: per mini-batch, X^1 and D from the batch, X^2..X^n by a forward pass
 * with the current weights, then the algorithm's block updates; the epoch's report is F(W, X) and the
 * per-layer residuals and norms. Workspaces exist for at most two batch sizes (full and the epoch's last).
 */
abstract class LpomSolver implements Solver {

    final LpomParams p;
    private final int[] sizes;
    private final Loss loss;
    private LiftedBatch full;
    private LiftedBatch tail;
    private EpochFigures figures;

    LpomSolver(int[] sizes, Loss loss, LpomParams p) {
        this.sizes = sizes.clone();
        this.loss = loss;
        this.p = p;
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        if (figures == null) figures = new EpochFigures(net, p.mu());
        figures.reset();
        for (Batch batch : batches) {
            cancel.check();
            LiftedBatch lifted = workspace(batch.size());
            lifted.initialise(net, batch.x());
            solveBatch(net, lifted, batch.y(), figures);
            figures.addLoss(lifted.loss(batch.y()), batch.size());
        }
        return figures.report(net);
    }

    /** The algorithm's updates of X^2..X^n and W^1..W^{n-1} for one batch whose X start at the forward pass. */
    abstract void solveBatch(Network net, LiftedBatch lifted, R064Store target, EpochFigures figures);

    private LiftedBatch workspace(int size) {
        if (full == null) full = new LiftedBatch(sizes, size, p, loss);
        if (size == full.columns()) return full;
        if (tail == null || tail.columns() != size) tail = new LiftedBatch(sizes, size, p, loss);
        return tail;
    }
}
