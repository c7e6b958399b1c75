package io.nograd.solver.admm;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.solver.MemoryEstimate;
import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;
import io.nograd.system.FieldError;

/** {@code admm}: Zhang &amp; Kleijn's blockwise ADMM over a factor graph, for ReLU and DCutLU networks. */
public final class AdmmFactory implements SolverFactory {

    @Override public String name() { return "admm"; }

    @Override public String title() { return "ADMM over a factor graph (ReLU/DCutLU slack variables)"; }

    @Override
    public String paper() {
        return "Zhang & Kleijn, Training Deep Neural Networks via Optimization over Graphs (ICASSP 2018)";
    }

    @Override public List<String> activations() { return List.of("relu", "dcutlu"); }

    @Override public List<String> losses() { return List.of("cross-entropy", "mse"); }

    @Override public int defaultBatchSize() { return 3000; }

    @Override public List<ParamSpec> params() { return AdmmParams.SPEC; }

    @Override
    public String divergenceAdvice() {
        return "raise params.rho and params.beta (they act as inverse step sizes) or params.weightDecay";
    }

    @Override
    public void validate(TrainingShape shape, Params params, List<FieldError> errors) {
        AdmmParams.checkLengths(params, shape.depth(), errors);
    }

    /**
     * Per batch size m: the eleven n_i × m variables of every layer (x̂, x, λ, targets, work, v, y and their
     * gradients); per layer, independent of m, the (n_{i−1}+1)² Gram matrices with their factor, the
     * right-hand sides and the slack systems.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        long u = MemoryEstimate.units(shape);
        int[] n = shape.layers();
        long systems = 0;
        for (int i = 1; i < n.length; i++) {
            long in = n[i - 1] + 1L;
            systems += 3 * in * in + 2 * n[i] * in + 2L * n[i] * n[i];
        }
        return OptionalLong.of(8 * systems + MemoryEstimate.workspaces(shape, m -> 8 * 11 * u * m));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Admm(shape, AdmmParams.from(params, shape.depth(), shape.loss()));
    }
}
