package io.nograd.solver.ipdlam;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Init;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.MemoryEstimate;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code ipdlam}: Qiao et al.'s inertial proximal DLAM; preset {@code plain-am} drops the inertia and the proximal terms. */
public final class IpdlamFactory implements SolverFactory {


    @Override public String name() { return "ipdlam"; }

    @Override public String title() { return "iPDLAM: inertial proximal deep learning alternating minimization (preset plain-am: no inertia, no proximal terms)"; }

    @Override
    public String paper() {
        return "Qiao, Sun, Pan & Li, Inertial Proximal Deep Learning Alternating Minimization for Efficient Neural Network "
                + "Training (ICASSP 2021)";
    }

    @Override public List<String> activations() { return List.of("relu", "leaky-relu"); }

    @Override public List<String> losses() { return List.of("mse", "cross-entropy"); }

    @Override public int defaultBatchSize() { return 512; }

    @Override public Class<IpdlamParams> paramsType() { return IpdlamParams.class; }

    /** §3: W ~ N(0, 0.01²), biases 0.1. */
    @Override public Init defaultInit() { return new Init("gaussian", 0.01, 0.1); }

    /** A fixed partition when batches keep their z, a (they are keyed by batch index) or in full-batch mode. */
    @Override public boolean shuffles(Params params) { return params.as(IpdlamParams.class).mode() == IpdlamParams.Mode.MINIBATCH; }

    @Override public String divergenceAdvice() { return "lower params.alpha, params.beta and params.gamma below 1, or raise params.delta"; }

    /**
     * Per batch size m: z, its auxiliary copy, p/q, a, its copy and the right-hand sides of every layer, and
     * per layer an m × m Gram matrix with its factor (mini-batch mode, m below the width); independent of
     * m: the previous and extrapolated weights, the input Gram matrices with factors and EAᵀ, the a-Gram
     * matrices; and in the modes that keep z and a of every sample, those ({@link #keptBytes}). Compared
     * by the validator with the job's share of the heap, not the whole heap.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        int[] d = shape.layers();
        long p = MemoryEstimate.params(shape);
        long u = MemoryEstimate.units(shape);
        int depth = MemoryEstimate.depth(shape);
        long fixed = 3 * p;
        for (int l = 0; l < depth; l++) {
            fixed += 2L * d[l] * d[l];
            if (l > 0) fixed += 2L * Math.min(d[l], d[l + 1]) * Math.min(d[l], d[l + 1]);
        }
        IpdlamParams ip = params.as(IpdlamParams.class);
        long kept = ip.mode() == IpdlamParams.Mode.MINIBATCH ? 0 : keptBytes(shape);
        long products = 8 * fixed + MemoryEstimate.workspaces(shape, m -> 8 * (6 * u * m + 2L * depth * m * m));
        // float32 factors: half the bytes of the float64 ones counted above, plus the float32 copies of the W and a
        // steps' right-hand sides (each at most u × m)
        long factorCopies = ip.factors() == Precision.FLOAT32 ? MemoryEstimate.workspaces(shape, m -> 8 * u * m) : 0;
        return OptionalLong.of(kept + factorCopies + Float32Gemm.withBuffers(products, ip.precision() == Precision.FLOAT32));
    }

    @Override
    public String memoryAdvice() {
        return "use params.mode minibatch (no per-sample storage), a trainLimit, fewer or narrower layers or a smaller batchSize";
    }

    /** Float32 bytes of z_l, a_l and their previous iterates for every training sample. */
    static long keptBytes(TrainingShape shape) {
        int[] d = shape.layers();
        long perSample = 0;
        for (int l = 1; l < d.length; l++) perSample += 2L * d[l];
        for (int l = 1; l < d.length - 1; l++) perSample += 2L * d[l];
        return 4L * perSample * shape.trainSamples();
    }

    /** Columns of each batch on which the reported constraint terms are evaluated (reporting only; see below). */
    static final int REPORT_COLUMNS = 128;

    private static final String SAMPLED = "; the Σ‖W_l a_{l−1} + b_l − z_l‖² terms are evaluated on the first " + REPORT_COLUMNS
            + " columns (samples) of each batch and scaled by m/" + REPORT_COLUMNS + " (exact for batches of at most "
            + REPORT_COLUMNS + "; a random sample in mini-batch mode, which shuffles, else the same samples every epoch)";

    /** {@link Diagnostic#CONSTRAINT_RESIDUALS} estimated on the sample: a different figure, so a different name. */
    static final Diagnostic SAMPLED_RESIDUALS = Diagnostic.perLayer("sampledConstraintResiduals",
            "Constraint residuals (RMS, sampled)",
            "√(Σ_samples ‖W_l a_{l−1} + b_l − z_l‖² / N): root mean square per sample of layer l's linear constraint, with the "
                    + "stored z, a and the weights after the updates of the batch each sample belongs to" + SAMPLED, "1");

    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("ipdlamPhi", "Penalised objective Φ_ρ",
                "Σ_batches [ℓ(z_L, y) + ρ/2(Σ_l ‖W_l a_{l−1} + b_l − z_l‖² + Σ_l ‖a_l − σ(z_l)‖²)] with each batch's variables after "
                        + "its iteration, at the epoch's ρ (a sum over samples, not a mean)" + SAMPLED, "sum over samples");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(
                SAMPLED_RESIDUALS,
                Diagnostic.perLayer("activationGaps", "Activation gaps (RMS)",
                        "√(Σ_samples ‖a_l − σ(z_l)‖² / N) for each hidden layer l, after the updates of the batch each sample belongs to", "1"),
                Diagnostic.WEIGHT_FROBENIUS_NORMS,
                Diagnostic.of("rho", "Penalty ρ", "the penalty ρ of the epoch, ρ_0·θ^{epoch−1} capped at ρ̄", "1", "ρ"));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Ipdlam(shape.layers(), shape.activation(), shape.loss(), params.as(IpdlamParams.class).effective(), shape.threads(),
                shape.trainSamples(), shape.batchSize());
    }
}
