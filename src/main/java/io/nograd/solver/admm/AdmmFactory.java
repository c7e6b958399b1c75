package io.nograd.solver.admm;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Spd;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;
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

    @Override public Class<AdmmParams> paramsType() { return AdmmParams.class; }

    @Override
    public String divergenceAdvice() {
        return "raise params.rho and params.beta (they act as inverse step sizes) or params.weightDecay";
    }

    @Override
    public void validate(TrainingShape shape, Params params, List<FieldError> errors) {
        params.as(AdmmParams.class).checkLengths(shape.depth(), errors);
    }

    /**
     * Per batch size m: X̂, X, Λ, the target and a work matrix for every layer, and V, Y and their gradients
     * (two more with DCutLU) for hidden ones; per layer, independent of m, the ridge system of (W_i, b_i)
     * (Gram, its factor, right-hand side, [W b]) and the slack system of Table 2 (a k × k matrix and its factor), with
     * float32 factors the float32 copies of their right-hand sides.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        int[] n = shape.layers();
        int depth = shape.depth();
        long hidden = shape.liftedUnits() - n[depth];
        int perHidden = "dcutlu".equals(shape.activation().name()) ? 6 : 4;
        AdmmParams ap = params.as(AdmmParams.class);
        boolean floatFactors = ap.factors() == Precision.FLOAT32;
        long systems = 0;
        long solves = 0;
        long slackRows = 0;
        for (int i = 1; i <= depth; i++) {
            long in = n[i - 1];
            long out = n[i];
            systems += in * in + (in + 1) * (in + 1) + out * in + out * (in + 1) + 2 * Math.max(in, out);
            solves += Spd.bytes((int) in + 1, floatFactors, (int) out);
            if (i < depth) {
                long k = Math.min(n[i + 1], out);
                systems += k * k + k * Math.max(in, out);
                solves += Spd.bytes((int) k, floatFactors, 0);
                slackRows += k;
            }
        }
        long fixed = 8 * systems + solves;
        // each float32 slack solve keeps a float32 copy of its k × m right-hand side
        long slackCopy = floatFactors ? 4 * slackRows : 0;
        long bytes = shape.weightBytes() + fixed
                + shape.perBatchSize(m -> 8L * m * (5 * shape.liftedUnits() + perHidden * hidden) + slackCopy * m);
        return OptionalLong.of(Float32Gemm.withBuffers(bytes, ap.precision() == Precision.FLOAT32));
    }

    /** Columns of each batch on which the reported constraint terms are evaluated (reporting only; see below). */
    static final int REPORT_COLUMNS = 500;

    private static final String SAMPLED = "; the constraint terms are evaluated on the first " + REPORT_COLUMNS
            + " columns (samples) of each batch and scaled by m/" + REPORT_COLUMNS + " (exact for batches of at most "
            + REPORT_COLUMNS + "; batches are shuffled, so the columns are a random sample)";

    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("admmLagrangian", "Augmented Lagrangian (eq. (14))",
                "L of eq. (14): loss + Σ_i [γ/2‖(W_i, b_i)‖² + ρ_i/2‖X_i − V_{i−1}W_i − e·b_i‖_F² + ⟨Λ_i, X_i − V_{i−1}W_i − e·b_i⟩], "
                        + "after each batch's iteration, averaged over the epoch's batches" + SAMPLED, "per batch");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(
                Diagnostic.perLayer("admmResiduals", "Constraint residuals (eq. (12))",
                        "‖X_i − V_{i−1}W_i − e·b_i‖_F after each batch's iteration, averaged over the epoch's batches" + SAMPLED, "1"),
                Diagnostic.WEIGHT_SPECTRAL_NORMS,
                Diagnostic.perLayer("multiplierNorms", "Multiplier norms",
                        "‖Λ_i‖_F, the multiplier of layer i's constraint after each batch's iteration, averaged over the epoch's batches", "1"));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Admm(shape, params.as(AdmmParams.class).resolve(shape.depth(), shape.loss()));
    }
}
