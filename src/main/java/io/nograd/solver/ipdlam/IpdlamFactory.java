package io.nograd.solver.ipdlam;

import java.util.List;

import io.nograd.nn.Init;
import io.nograd.solver.ParamSpec;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;
import io.nograd.system.FieldError;

/** {@code ipdlam}: Qiao et al.'s inertial proximal DLAM, with plain DLAM (Zeng et al.'s BCD) as a preset. */
public final class IpdlamFactory implements SolverFactory {

    /** Heap kept free for the dataset, the evaluation buffers and the JVM when z, a are kept for every sample. */
    static final long HEADROOM = 1L << 30;

    @Override public String name() { return "ipdlam"; }

    @Override public String title() { return "iPDLAM: inertial proximal deep learning alternating minimization (preset dlam-bcd: plain DLAM)"; }

    @Override
    public String paper() {
        return "Qiao, Sun, Pan & Li, Inertial Proximal Deep Learning Alternating Minimization for Efficient Neural Network "
                + "Training (ICASSP 2021); DLAM: Zeng, Lau, Lin & Yao, Global Convergence of Block Coordinate Descent in Deep Learning (ICML 2019)";
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

    @Override
    public void validate(TrainingShape shape, Params params, List<FieldError> errors) {
        IpdlamParams.Mode mode = params.as(IpdlamParams.class).mode();
        if (mode == IpdlamParams.Mode.MINIBATCH) return;
        long bytes = keptBytes(shape);
        long available = Runtime.getRuntime().maxMemory() - HEADROOM;
        if (bytes > available) {
            errors.add(new FieldError("params.mode", String.format(java.util.Locale.ROOT,
                    "%s keeps z and a (and their previous iterates) of all %d training samples: about %.1f GiB in float32, "
                            + "more than the %.1f GiB of heap this server can give it; use mode minibatch (no per-sample storage), "
                            + "a trainLimit, narrower layers, or a larger heap (-Xmx)",
                    ParamSpec.id(mode), shape.trainSamples(), bytes / 1073741824.0, Math.max(0, available) / 1073741824.0)));
        }
    }

    /** Float32 bytes of z_l, a_l and their previous iterates for every training sample. */
    static long keptBytes(TrainingShape shape) {
        int[] d = shape.layers();
        long perSample = 0;
        for (int l = 1; l < d.length; l++) perSample += 2L * d[l];
        for (int l = 1; l < d.length - 1; l++) perSample += 2L * d[l];
        return 4L * perSample * shape.trainSamples();
    }

    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("ipdlamPhi", "Penalised objective Φ_ρ",
                "Σ_batches [ℓ(z_L, y) + ρ/2(Σ_l ‖W_l a_{l−1} + b_l − z_l‖² + Σ_l ‖a_l − σ(z_l)‖²)] with each batch's variables after "
                        + "its iteration, at the epoch's ρ (a sum over samples, not a mean)", "sum over samples");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(
                Diagnostic.CONSTRAINT_RESIDUALS,
                Diagnostic.perLayer("activationGaps", "Activation gaps (RMS)",
                        "√(Σ_samples ‖a_l − σ(z_l)‖² / N) for each hidden layer l, after the updates of the batch each sample belongs to", "1"),
                Diagnostic.WEIGHT_FROBENIUS_NORMS,
                Diagnostic.of("rho", "Penalty ρ", "the penalty ρ of the epoch, ρ_0·θ^{epoch−1} capped at ρ̄", "1", "ρ"));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Ipdlam(shape.layers(), shape.activation(), shape.loss(), params.as(IpdlamParams.class).effective());
    }
}
