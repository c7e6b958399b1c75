package io.nograd.solver.dlam;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Float32Gemm;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code dlam}: Deep Learning Alternating Minimization with ε-ball inequality constraints. */
public final class DlamFactory implements SolverFactory {

    /** The whole Fashion-MNIST (and MNIST) training set: one epoch is one full-batch iteration, as in the paper. */
    static final int FULL_BATCH = 60_000;

    @Override public String name() { return "dlam"; }

    @Override public String title() { return "DLAM: alternating minimisation with ε-ball inequality constraints"; }

    @Override
    public String paper() {
        return "Gradient-free Neural Network Training by Multi-convex Alternating Optimization (ICLR 2020 submission, "
                + "anonymous; DLAM, Algorithms 1-3)";
    }

    @Override public List<String> activations() { return Quasilinear.SUPPORTED; }

    @Override public List<String> losses() { return List.of("cross-entropy", "mse"); }

    /** Full batch (capped to the training set): the paper's iterations are epochs over all samples. */
    @Override public int defaultBatchSize() { return FULL_BATCH; }

    @Override public Class<DlamParams> paramsType() { return DlamParams.class; }

    /** Every batch keeps its own z, a between epochs, so the partition must not change. */
    @Override public boolean shuffles(Params params) { return false; }

    @Override
    public String divergenceAdvice() {
        return "lower params.rho or keep epsilonSchedule decay with a larger epsilonMin";
    }

    /**
     * Every training sample's z_l (all layers), a_l (hidden layers), one hidden layer's ∇_a φ and the output layer's
     * residual (kept by the last a step with float32 products), float32;
     * its float64 targets; the float64 scratch of two chunk widths (three stores per layer width, and the
     * output step's three); the weights four times over and the inputs' Gram matrix, with float32 products their float32 copies. The
     * inputs are read from the shared dataset.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        int[] n = shape.layers();
        long outputs = 0;
        long hidden = 0;
        long widest = 0;
        long units = 0;
        long weights = 0;
        for (int l = 1; l < n.length; l++) {
            outputs += n[l];
            if (l < n.length - 1) {
                hidden += n[l];
                widest = Math.max(widest, n[l]);
            }
            weights += (long) n[l] * (n[l - 1] + 1);
        }
        for (int width : n) units += width;
        long perSample = 4 * (outputs + hidden + widest + n[n.length - 1]) + 8L * n[n.length - 1] + 8;
        long scratch = 2L * Dlam.CHUNK * 8 * (3 * units + 3L * n[n.length - 1]);
        long inputGram = 8L * n[0] * n[0];
        boolean float32 = params.as(DlamParams.class).precision() == Precision.FLOAT32;
        return OptionalLong.of(Float32Gemm.withBuffers(8L * 4 * weights + inputGram + scratch, float32) + perSample * shape.trainSamples());
    }

    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("dlamF", "DLAM objective F (Problem 2)",
                "R(z_L; y) + Σ_l ρ/2‖z_l − W_l a_{l−1} − b_l‖² at the end of the iteration (the ε-ball indicators are 0 there); "
                        + "with several batches, the sum of their F", "1");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(
                Diagnostic.CONSTRAINT_RESIDUALS,
                Diagnostic.WEIGHT_FROBENIUS_NORMS,
                Diagnostic.perLayer("theta", "θ_l of Algorithm 2", "the backtracking constant θ_l of the last W_l update", "1"),
                Diagnostic.perLayer("tau", "t_l of Algorithm 3", "the backtracking constant t of the last a_l update, hidden layers", "1"),
                Diagnostic.of("epsilon", "ε-ball half-width", "ε in force after the iteration's shrink", "1", "ε"),
                Diagnostic.of("risk", "Risk R(z_L; y)", "the loss of the output variables z_L at the end of the iteration", "1", "R"));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Dlam(shape.layers(), shape.activation(), shape.loss(), params.as(DlamParams.class), shape.threads());
    }
}
