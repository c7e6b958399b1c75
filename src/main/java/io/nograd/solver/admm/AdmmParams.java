package io.nograd.solver.admm;

import java.util.Arrays;
import java.util.List;

import io.nograd.nn.Loss;
import io.nograd.solver.Param;
import io.nograd.solver.Precision;
import io.nograd.system.FieldError;

/**
 * The hyperparameters of Zhang &amp; Kleijn's ADMM, with the paper's names. As declared, {@code rho} and
 * {@code beta} are one value or a list; {@link #resolve} turns them into per-layer arrays indexed by the
 * paper's layer number i = 1 … N (entry 0 unused), so the solver reads {@code rho[i]} as ρ_i and
 * {@code beta[i]} as β_i.
 */
record AdmmParams(
        @Param(defaultValue = "", min = 1e-6, max = 1e4, description =
                "ρ_i, the penalty of layer i's constraint X_i = V_{i-1}W_i + e·b_i (a layer-wise inverse learning rate). "
                        + "One value is ρ_N of the output layer, and each lower layer takes layerFactor times the one above "
                        + "(the paper's rule: ρ₃ = 0.05, ρ₂ = 0.1, ρ₁ = 0.2); a list gives ρ_1 … ρ_N, input side first. "
                        + "Default ρ_N: 0.05 for cross-entropy (the paper's), 0.5 for mse, whose curvature is ten times "
                        + "that of the cross-entropy model (bench/results/admm.md compares settings)")
        double[] rho,
        @Param(defaultValue = "0.1", min = 1e-6, max = 1e4, description =
                "β_i, the penalty of the inner ADMM (Table 2) that enforces layer i's ReLU/DCutLU constraints. One value "
                        + "is β_{N-1} of the top hidden layer, each lower layer taking layerFactor times the one above "
                        + "(the paper: β₂ = 0.1, β₁ = 0.2); a list gives β_1 … β_{N-1}")
        double[] beta,
        @Param(defaultValue = "2", min = 1, max = 10, description =
                "when rho or beta is one value: ρ_i = layerFactor·ρ_{i+1} and β_i = layerFactor·β_{i+1} "
                        + "(1 gives every layer the same value, as in the paper's second experiment)")
        double layerFactor,
        @Param(defaultValue = "0.1", min = 1e-6, max = 1e4, description =
                "γ of the weight penalty g_i(W_i, b_i) = γ/2·‖(W_i, b_i)‖² (0.1 in the paper); also keeps the ridge "
                        + "regression of each (W_i, b_i) step well posed")
        double weightDecay,
        @Param(defaultValue = "1", min = 1, max = 50, description =
                "rounds of the inner ADMM of Table 2 per layer and mini-batch (the paper runs one)")
        int innerIterations,
        @Param(defaultValue = "0.05", min = 1e-4, max = 100, noEffectWhen = "loss = mse", description =
                "c of the quadratic model c·(x − x̂)² + ⟨∇CE(x̂), x − x̂⟩ that replaces the cross-entropy in the output "
                        + "update (§5: 0.05)")
        double quadratic,
        @Param(defaultValue = "float32", description = Precision.LIFTED)
        Precision precision,
        @Param(defaultValue = "float32", description = Precision.FACTORS)
        Precision factors) {

    /** ρ_N of the output layer when none is given: the paper's for cross-entropy; ten times it for mse (see {@link Admm}). */
    static final double CROSS_ENTROPY_RHO = 0.05;
    static final double MSE_RHO = 0.5;

    /** These params for a network of {@code depth} = N weight layers: rho and beta as arrays over i = 1 … N. */
    AdmmParams resolve(int depth, Loss loss) {
        double rhoTop = loss == Loss.MSE ? MSE_RHO : CROSS_ENTROPY_RHO;
        return new AdmmParams(perLayer(rho, depth, layerFactor, rhoTop), perLayer(beta, depth - 1, layerFactor, Double.NaN),
                layerFactor, weightDecay, innerIterations, quadratic, precision, factors);
    }

    /**
     * Values for layers 1 … count (index 0 unused): a single given value (or {@code top} when none is given)
     * is the top one's, each lower layer {@code factor} times the one above; a list is taken as it is.
     */
    private static double[] perLayer(double[] given, int count, double factor, double top) {
        double[] out = new double[count + 1];
        if (count == 0) return out;
        if (given == null || given.length == 1) {
            out[count] = given == null ? top : given[0];
            for (int i = count - 1; i >= 1; i--) out[i] = out[i + 1] * factor;
        } else {
            System.arraycopy(given, 0, out, 1, count);
        }
        return out;
    }

    /** Adds an error for a rho or beta list whose length fits neither one value nor one per layer. */
    void checkLengths(int depth, List<FieldError> errors) {
        if (rho != null && rho.length != 1 && rho.length != depth) {
            errors.add(new FieldError("params.rho", "has " + rho.length + " values for " + depth
                    + " layers; give one value or one per layer, input side first"));
        }
        if (beta.length != 1 && beta.length != depth - 1) {
            errors.add(new FieldError("params.beta", "has " + beta.length + " values for " + (depth - 1)
                    + " hidden layers; give one value or one per hidden layer, input side first"));
        }
    }

    @Override
    public String toString() {
        return "AdmmParams[rho=" + Arrays.toString(rho) + ", beta=" + Arrays.toString(beta) + ", layerFactor=" + layerFactor
                + ", weightDecay=" + weightDecay + ", innerIterations=" + innerIterations + ", quadratic=" + quadratic + ", precision=" + precision + ", factors=" + factors + "]";
    }
}
