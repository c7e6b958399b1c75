package io.nograd.solver.lpom;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Activation;
import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Loss;
import io.nograd.nn.Spd;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code lpom}: serial LPOM (Algorithm 1), or synchronous-parallel LPOM (Algorithm 3) with {@code parallel = true}. */
public final class LpomFactory implements SolverFactory {

    @Override public String name() { return "lpom"; }

    @Override public String title() { return "LPOM: Lifted Proximal Operator Machine (serial and synchronous-parallel)"; }

    @Override
    public String paper() {
        return "Li, Xiao, Fang, Dai, Xu & Lin, Training Neural Networks by Lifted Proximal Operator Machines, "
                + "IEEE TPAMI 44(6), 2022 (doi:10.1109/TPAMI.2020.3048430)";
    }

    @Override public List<String> activations() { return List.of("relu", "leaky-relu", "sigmoid", "tanh", "elu", "softplus"); }

    @Override public List<String> losses() { return List.of("mse", "cross-entropy"); }

    @Override public int defaultBatchSize() { return 100; }

    @Override public Class<LpomParams> paramsType() { return LpomParams.class; }

    @Override public String divergenceAdvice() { return "raise params.lambda (e.g. to 10) or params.mu, or lower params.nu"; }

    /** φ on the output too with MSE (eq. (19) lifts every layer); the logits stay linear under softmax cross-entropy. */
    @Override
    public Activation outputActivation(Activation hidden, Loss loss, Params params) {
        return loss == Loss.MSE ? hidden : Activation.IDENTITY;
    }

    /**
     * {@link LiftedBatch} per batch size m: X, pre-activations, X̃ and their difference for every layer above
     * the input (plus the inner iterate when K3 &gt; 1); per hidden layer the Newton step's D^½WS^½, its factored matrix
     * and Cholesky factor (each at most the size of W, so all three within {@link TrainingShape#weightBytes}, which counts
     * W four times) and a rows × m scratch, or the power iterate, √φ′ and W times the iterate of ρ̂ (at most 3 × units × m);
     * and per weight matrix the APG state (5 × out × m), the m × m Gram matrix of eq. (36) and its Cholesky factor; with
     * float32 products, their float32 copies.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        LpomParams p = params.as(LpomParams.class).resolved(shape.activation());
        long units = shape.liftedUnits();
        int depth = shape.depth();
        boolean float32 = p.precision() == Precision.FLOAT32;
        boolean newton = p.hiddenStep() == LpomParams.HiddenStep.NEWTON;
        return OptionalLong.of(shape.weightBytes() + shape.perBatchSize(m -> Float32Gemm.withBuffers(8L * ((4 + (newton ? 1 : 3)
                + (p.k3() > 1 ? 1 : 0) + 5) * units * m + depth * (long) m * m), float32) + depth * Spd.bytes(m)
                + (newton ? shape.weightBytes() : 0)));
    }

    /** F(W, X) of eq. (19), per sample; null for activations without closed-form f, g (softplus). */
    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("lpomObjective", "LPOM objective F(W, X) of eq. (19)",
                "ℓ(X^n, Y) + Σ_i μ(1ᵀf(X^{i+1})1 + 1ᵀg(W^iX^i + b^i)1 + ½‖X^{i+1} − W^iX^i − b^i‖²), each batch's after its "
                        + "updates, summed over the epoch and divided by the samples", "per sample");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(
                Diagnostic.perLayer("relativeResiduals", "Relative activation residuals",
                        "√(Σ‖X^{i+1} − φ(W^iX^i + b^i)‖² / Σ‖X^{i+1}‖²) over the epoch's batches, each after its weight update", "1"),
                Diagnostic.WEIGHT_SPECTRAL_NORMS,
                Diagnostic.perLayer("lpomPenalties", "LPOM penalty per layer (eq. (19))",
                        "μ(1ᵀf(X^{i+1})1 + 1ᵀg(W^iX^i + b^i)1 + ½‖X^{i+1} − W^iX^i − b^i‖²) summed over the epoch's batches, "
                                + "divided by the samples (absent for softplus)", "per sample"),
                Diagnostic.perLayer("relativeWeightSteps", "Relative weight step per batch",
                        "‖ΔW^i‖_F / ‖W^i‖_F of each batch's W step, averaged over the epoch's batches", "1"),
                Diagnostic.perLayer("relativeWeightStepsMax", "Largest relative weight step",
                        "the largest ‖ΔW^i‖_F / ‖W^i‖_F of a batch in the epoch", "1"),
                Diagnostic.perLayer("sweepContraction", "Contraction of the activation sweeps",
                        "Σ‖X̃^{i+1} − X^{i+1}‖ at sweeps 2..K1 over the same sum one sweep earlier, over the epoch's batches "
                                + "(> 1: the fixed-point updates (26)/(29) grew from sweep to sweep, or the label's pull was still arriving)", "1"),
                Diagnostic.of("batchObjectiveSpread", "F(W, X) per batch",
                        "mean and standard deviation over the epoch's batches of each batch's F(W, X) of eq. (19) per sample, "
                                + "after its updates (absent for softplus)", "per sample", "mean", "standard deviation"),
                Diagnostic.of("cpuSeconds", "CPU time of the epoch",
                        "CPU seconds of the epoch's solver work on all threads, and of the part on the critical path "
                                + "(equal for serial LPOM)", "s", "all work", "critical path"));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        LpomParams p = params.as(LpomParams.class).resolved(shape.activation());
        if (p.parallel()) return new SyncLpom(shape.layers(), shape.loss(), p, Math.max(1, Math.min(shape.threads(), shape.depth())));
        return new Lpom(shape.layers(), shape.loss(), p);
    }
}
