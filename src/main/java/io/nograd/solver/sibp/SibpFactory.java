package io.nograd.solver.sibp;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Init;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;
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

    @Override public Class<SibpParams> paramsType() { return SibpParams.class; }

    @Override public Init defaultInit() { return INIT; }

    @Override
    public String divergenceAdvice() {
        return "lower params.eta (the step on the neurons) or params.lambda (more proximal damping)";
    }

    @Override
    public void validate(TrainingShape shape, Params params, List<FieldError> errors) {
        try {
            params.as(SibpParams.class).forLayers(shape.depth());
        } catch (ValidationException e) {
            errors.addAll(e.errors());
        }
    }

    /**
     * Sibp's workspace per batch size m: per layer z, a, δ, the target and the fit (5 × out × m), the 11 CG
     * vectors of {@link ProximalFit} (11 × out × m), the bias pass's per-chunk row sums (at most 2 × out × m, far less
     * for layers narrower than a pass's chunk) and the m × m Gram matrix of eq. (4.1).
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        long units = shape.liftedUnits();
        int depth = shape.depth();
        long bytes = shape.weightBytes() + shape.perBatchSize(m -> 8L * (18 * units * m + (long) depth * m * m));
        return OptionalLong.of(Float32Gemm.withBuffers(bytes, params.as(SibpParams.class).precision() == Precision.FLOAT32));
    }

    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("lossDecrease", "Loss decrease per sweep",
                "decrease of the batch's loss over one sweep of Algorithm 1 (loss before minus loss after), summed over the "
                        + "epoch's batches and divided by the samples; not an objective value", "per sample");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(
                Diagnostic.perLayer("fitResidualRatios", "Fit residual ratio of eq. (4.1)",
                        "√(r_after / r_before), r = ‖σ(W F_i + b_i) − F_{i+1}^{k+½}‖² of layer i's weight subproblem before and after "
                                + "its conjugate-gradient solve, averaged over the epoch's batches", "1"),
                Diagnostic.WEIGHT_FROBENIUS_NORMS,
                Diagnostic.perLayer("weightStepNorms", "Weight step norms",
                        "‖W_i^{k+1} − W_i^k‖_F of the conjugate-gradient step of eq. (4.1), averaged over the epoch's batches", "1"),
                Diagnostic.perLayer("sparsity", "Weight sparsity",
                        "fraction of layer i's weights that are exactly 0 at the end of the epoch (with regularizer l1)", "1"));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Sibp(shape.loss(), params.as(SibpParams.class).forLayers(shape.depth()), shape.threads());
    }
}
