package io.nograd.solver.sibp;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Init;
import io.nograd.solver.MemoryEstimate;
import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;
import io.nograd.system.FieldError;
import io.nograd.system.ValidationException;

/** {@code sibp}: semi-implicit back propagation. */
public final class SibpFactory implements SolverFactory {

    /** The authors' initialisation: W ~ N(0, 0.05²), zero biases. */
    static final Init INIT = new Init("gaussian", 0.05, 0);

    @Override public String name() { return "sibp"; }

    @Override public String title() { return "SIBP: semi-implicit back propagation"; }

    @Override
    public String paper() {
        return "Liu & Zhang, Semi-Implicit Back Propagation, J. Nonlinear Var. Anal. 7 (2023) 581-605";
    }

    /** The method needs σ and σ′ almost everywhere only (Remark 4.3). */
    @Override public List<String> activations() { return List.of("relu", "leaky-relu", "sigmoid", "tanh", "softplus"); }

    @Override public List<String> losses() { return List.of("cross-entropy", "mse"); }

    @Override public int defaultBatchSize() { return 100; }

    @Override public List<ParamSpec> params() { return SibpParams.SPEC; }

    @Override public Init defaultInit() { return INIT; }

    @Override
    public String divergenceAdvice() {
        return "lower params.eta (the step on the neurons) or params.lambda (more proximal damping)";
    }

    @Override
    public void validate(TrainingShape shape, Params params, List<FieldError> errors) {
        try {
            params.numbers("lambda", shape.depth());
        } catch (ValidationException e) {
            errors.addAll(e.errors());
        }
    }

    /**
     * Per batch size m: per layer z, the fitted values, a, δ, the targets, the proximal fit's eleven
     * units × m iterates, and the m × m Gram matrix.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        long u = MemoryEstimate.units(shape);
        int depth = MemoryEstimate.depth(shape);
        return OptionalLong.of(MemoryEstimate.workspaces(shape, m -> 8 * (17 * u * m + 2L * depth * m * m)));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Sibp(shape.loss(), SibpParams.from(params, shape.depth()));
    }
}
