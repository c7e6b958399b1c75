package io.nograd.solver.bcd;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Init;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.MemoryEstimate;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code bcd}: Zeng et al.'s three-splitting block coordinate descent, the DLAM baseline of the iPDLAM paper. */
public final class BcdFactory implements SolverFactory {

    /** Full batch, as the authors' code (capped to the training set). */
    static final int FULL_BATCH = 60_000;

    /** The authors' code and the iPDLAM paper: W ~ N(0, 0.01²), b = 0.1. */
    static final Init INIT = new Init("gaussian", 0.01, 0.1);

    @Override public String name() { return "bcd"; }

    @Override public String title() { return "BCD: three-splitting block coordinate descent (Zeng et al.'s DLAM)"; }

    @Override
    public String paper() {
        return "Zeng, Lau, Lin & Yao, Global Convergence of Block Coordinate Descent in Deep Learning (ICML 2019)";
    }

    /** The U step's closed form is the ReLU one of the authors' code. */
    @Override public List<String> activations() { return List.of("relu"); }

    /** The squared loss of the paper's experiments (and the iPDLAM paper's); cross-entropy through the shared loss prox. */
    @Override public List<String> losses() { return List.of("mse", "cross-entropy"); }

    @Override public int defaultBatchSize() { return FULL_BATCH; }

    @Override public Class<BcdParams> paramsType() { return BcdParams.class; }

    @Override public Init defaultInit() { return INIT; }

    /** Every batch keeps its own U and V between epochs, so the partition must not change. */
    @Override public boolean shuffles(Params params) { return false; }

    @Override
    public String divergenceAdvice() {
        return "raise params.alpha (more proximal damping)";
    }

    /**
     * Every training sample's U_i and V_i (float64), per batch size a scratch of each layer and one of the output's,
     * and per layer the d_in × d_in system of the W step and the hidden d × d system of the V step. Float32 products
     * add a float32 copy of each of a product's three operands (at most units × m each, or a fixed matrix); float32
     * factors the float32 copy of a solve's right-hand side (at most units × m).
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        int[] d = shape.layers();
        long units = MemoryEstimate.units(shape);
        long fixed = 4 * MemoryEstimate.params(shape);
        for (int l = 0; l + 1 < d.length; l++) fixed += 2L * d[l] * d[l] + (long) d[l + 1] * d[l];
        long kept = 2 * units * (long) shape.trainSamples();
        long bytes = 8 * (fixed + kept) + MemoryEstimate.workspaces(shape, m -> 8 * ((units + d[d.length - 1]) * m));
        BcdParams bp = params.as(BcdParams.class);
        if (bp.precision() == Precision.FLOAT32) bytes += 4 * fixed + MemoryEstimate.workspaces(shape, m -> 4 * (3 * units * m));
        if (bp.floatFactors()) bytes += MemoryEstimate.workspaces(shape, m -> 4 * (units * m));
        return OptionalLong.of(bytes);
    }

    @Override
    public String memoryAdvice() {
        return "use a trainLimit, fewer or narrower layers, or batches (each keeps its own U, V)";
    }

    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("bcdObjective", "Three-splitting objective",
                "ℓ(V_N, Y) + γ/2(‖V_N − U_N‖² + Σ_{i<N} ‖V_i − σ(U_i)‖²) + ρ/2 Σ_i ‖U_i − W_i V_{i−1} − b_i‖², each batch's "
                        + "after its iteration, summed over the batches (a sum over samples)", "sum over samples");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(Diagnostic.CONSTRAINT_RESIDUALS, Diagnostic.WEIGHT_FROBENIUS_NORMS);
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Bcd(shape.loss(), shape.layers(), params.as(BcdParams.class), shape.threads());
    }
}
