package io.nograd.solver.sgd;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Activation;
import io.nograd.solver.MemoryEstimate;
import io.nograd.solver.Params;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** What the back-propagation baselines (SGD, Adam, AMSGrad) declare alike: every activation and loss, batch 100, the workspace. */
abstract class GradientFactory implements SolverFactory {

    @Override public List<String> activations() { return Activation.NAMES; }

    @Override public List<String> losses() { return List.of("cross-entropy", "mse"); }

    @Override public int defaultBatchSize() { return 100; }

    @Override public boolean baseline() { return true; }

    @Override public String divergenceAdvice() { return "lower params.lr (e.g. by 10x)"; }

    /**
     * Per batch size: the forward pass's z and a, the backward pass's deltas and derivatives (float64, and
     * their float32 copies in float32 mode), gradients; plus the optimizer's state, at most Adam's m, v, v̂max.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        long p = MemoryEstimate.params(shape);
        long u = MemoryEstimate.units(shape);
        return OptionalLong.of(8 * 3 * p + MemoryEstimate.workspaces(shape, m -> 8 * (6 * u * m + 2 * p)));
    }
}
