package io.nograd.solver.admm;

import java.util.List;

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

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Admm(shape, AdmmParams.from(params, shape.depth(), shape.loss()));
    }
}
