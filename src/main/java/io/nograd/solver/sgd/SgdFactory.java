package io.nograd.solver.sgd;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Activation;
import io.nograd.solver.MemoryEstimate;
import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code sgd}: the plain back-propagation baseline. */
public final class SgdFactory implements SolverFactory {

    @Override public String name() { return "sgd"; }

    @Override public String title() { return "SGD (back-propagation baseline)"; }

    @Override public String paper() { return "Robbins & Monro, A Stochastic Approximation Method (1951); momentum as in PyTorch's torch.optim.SGD"; }

    @Override public List<String> activations() { return Activation.NAMES; }

    @Override public List<String> losses() { return List.of("cross-entropy", "mse"); }

    @Override public int defaultBatchSize() { return 100; }

    @Override public Class<SgdParams> paramsType() { return SgdParams.class; }

    @Override public boolean baseline() { return true; }

    @Override public String divergenceAdvice() { return "lower params.lr (e.g. by 10x)"; }

    /**
     * Per batch size: the forward pass's z and a, the backward pass's deltas and derivatives (float64, and
     * their float32 copies in float32 mode), gradients; plus the optimizer's state (Adam's m, v, v̂max).
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        long p = MemoryEstimate.params(shape);
        long u = MemoryEstimate.units(shape);
        return OptionalLong.of(8 * 3 * p + MemoryEstimate.workspaces(shape, m -> 8 * (6 * u * m + 2 * p)));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Sgd(shape.loss(), params.as(SgdParams.class), 2 * shape.depth());
    }
}
