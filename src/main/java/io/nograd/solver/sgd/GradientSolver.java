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
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;

/**
 * The loop every back-propagation baseline shares: per batch, the gradient of the mean loss, then the
 * optimizer's update of each parameter tensor. Subclasses are the update rules, one small class each
 * (as in PyTorch's {@code torch/optim}).
 * <p>
 * Choice: by default the gradients, the optimizer's step and its state are float32, as PyTorch trains
 * ({@link Float32Backprop}): an epoch trains the float32 copy of the weights, which is widened into the
 * network's float64 weights (which evaluation and checkpoints read) when the epoch ends. float32 overflows
 * sooner at a too large learning rate.
 * Speed and accuracy of both precisions: bench/results/core.md.
 * <p>
 * In float32 the batch is copied straight from the dataset's float32 features. The element-wise passes stay on
 * the calling thread: on a budget of two, {@code nn.Passes} made them slower (a worker between two sgemms
 * competes with BLAS's threads; bench/results/performance.md §8).
 */
abstract class GradientSolver implements Solver {

    private final Loss loss;
    private final boolean float32;
    private final BatchBuffers<Gradients> buffers = new BatchBuffers<>();
    /** The float32 weights every batch size's pass reads, kept current by the float32 step. */
    private Float32Backprop.Weights weights32;

    GradientSolver(Loss loss, Precision precision) {
        this.loss = loss;
        this.float32 = precision == Precision.FLOAT32;
    }

    /** The values of each tensor {@link #update} sees: index 2l is layer l's weights, 2l + 1 its bias. */
    static int[] tensorLengths(int[] layers) {
        int[] lengths = new int[2 * (layers.length - 1)];
        for (int l = 0; l + 1 < layers.length; l++) {
            lengths[2 * l] = layers[l + 1] * layers[l];
            lengths[2 * l + 1] = layers[l + 1];
        }
        return lengths;
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        startEpoch(batches.epoch(), batches.epochs());
        if (float32) {
            if (weights32 == null) weights32 = new Float32Backprop.Weights(net.sizes());
            // the float64 weights may have been replaced since the last epoch (a resumed checkpoint)
            weights32.invalidate();
        }
        try {
            for (Batch batch : batches) {
                cancel.check();
                Gradients bp = gradients(net, batch.size());
                if (bp instanceof Float32Backprop f) {
                    batch.inputs(f.input());
                    Float32Backprop.Descent descent = descent(weights32);
                    f.runOnInput(net, loss, batch.y(), descent);
                    for (int l = 0; l < net.depth(); l++) {
                        if (descent == null) update(2 * l, f.gradW32(l), weights32.weight(l));
                        else descended(2 * l, weights32.weight(l));
                        update(2 * l + 1, f.gradB32(l), weights32.bias(l));
                    }
                } else {
                    bp.run(net, loss, batch.x(), batch.y());
                    for (int l = 0; l < net.depth(); l++) {
                        update(2 * l, net.weight(l), bp.gradW(l));
                        update(2 * l + 1, net.bias(l), bp.gradB(l));
                    }
                }
                if (float32) weights32.markCurrent();
                endStep();
            }
        } finally {
            // The float32 weights were the ones trained this epoch; evaluation and checkpoints read the float64 ones.
            if (float32) weights32.widenInto(net);
        }
        return EpochReport.NONE;
    }

    private Gradients gradients(Network net, int size) {
        return buffers.get(size, s -> float32 ? new Float32Backprop(net.sizes(), s, weights32) : new Backprop(net.sizes(), s));
    }

    /** Called before the epoch's first batch (epoch is 1-based). */
    void startEpoch(int epoch, int epochs) {
    }

    /** Updates parameter tensor {@code index} (W_0, b_0, W_1, …) in place from its gradient. */
    abstract void update(int index, R064Store param, R064Store grad);

    /**
     * The float32 step, as PyTorch's on float32 parameters: the same update of the float32 parameter from its
     * float32 gradient, with float32 optimizer state (all-float loops vectorize; one mixing float and double
     * did not, and took 2.5× the old float64 step).
     */
    abstract void update(int index, float[] grad, float[] param);

    /**
     * For the float32 step: where back-propagation's product should put each weight gradient, already scaled into
     * the step (null, the default: the gradients, for {@link #update}).
     */
    Float32Backprop.Descent descent(Float32Backprop.Weights weights) {
        return null;
    }

    /** Finishes the float32 step of weight tensor {@code index} after a {@link #descent} product. */
    void descended(int index, float[] param) {
    }

    /** Called after every parameter of a batch was updated. */
    void endStep() {
    }
}
