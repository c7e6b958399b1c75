package io.nograd.solver.sgd;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.nn.Backprop;
import io.nograd.nn.Float32Backprop;
import io.nograd.nn.Gradients;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.solver.BatchBuffers;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.Solver;

/**
 * The loop every back-propagation baseline shares: per batch, the gradient of the mean loss, then the
 * optimizer's update of each parameter tensor. Subclasses are the update rules, one small class each
 * (as in PyTorch's {@code torch/optim}).
 * <p>
 * Choice: the gradients are computed in float32 by default, as PyTorch does ({@link Float32Backprop}); the
 * weights and the optimizer's state stay float64. float32 overflows sooner at a too large learning rate.
 * Speed and accuracy of both precisions: bench/results/core.md.
 */
abstract class GradientSolver implements Solver {

    private final Loss loss;
    private final boolean float32;
    private final BatchBuffers<Gradients> buffers = new BatchBuffers<>();

    GradientSolver(Loss loss, Precision precision) {
        this.loss = loss;
        this.float32 = precision == Precision.FLOAT32;
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        startEpoch(batches.epoch(), batches.epochs());
        for (Batch batch : batches) {
            cancel.check();
            Gradients bp = gradients(net, batch.size());
            bp.run(net, loss, batch.x(), batch.y());
            for (int l = 0; l < net.depth(); l++) {
                update(2 * l, net.weight(l), bp.gradW(l));
                update(2 * l + 1, net.bias(l), bp.gradB(l));
            }
            endStep();
        }
        return EpochReport.NONE;
    }

    private Gradients gradients(Network net, int size) {
        return buffers.get(size, s -> float32 ? new Float32Backprop(net.sizes(), s) : new Backprop(net.sizes(), s));
    }

    /** Called before the epoch's first batch (epoch is 1-based). */
    void startEpoch(int epoch, int epochs) {
    }

    /** Updates parameter tensor {@code index} (W_0, b_0, W_1, …) in place from its gradient. */
    abstract void update(int index, R064Store param, R064Store grad);

    /** Called after every parameter of a batch was updated. */
    void endStep() {
    }
}
