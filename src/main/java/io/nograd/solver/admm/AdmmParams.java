package io.nograd.solver.admm;

import java.util.Arrays;
import java.util.List;

import io.nograd.nn.Loss;
import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;
import io.nograd.system.FieldError;

/**
 * The hyperparameters of Zhang &amp; Kleijn's ADMM, with the paper's names. Per-layer arrays are indexed by
 * the paper's layer number i = 1 … N (entry 0 unused), so {@code rho[i]} is ρ_i and {@code beta[i]} is β_i.
 *
 * @param rho         ρ_i, the penalty of constraint (12) of layer i, i = 1 … N
 * @param beta        β_i, the penalty of the inner ADMM of Table 2, hidden layers i = 1 … N−1
 * @param weightDecay γ in g_i(W_i, b_i) = γ/2 ‖(W_i, b_i)‖²
 * @param innerIterations rounds of Table 2 per layer and mini-batch
 * @param quadratic   c in the quadratic model of the cross-entropy, c·(x − x̂)² plus the gradient term (§5)
 */
record AdmmParams(double[] rho, double[] beta, double weightDecay, int innerIterations, double quadratic) {

    /** ρ_N of the output layer when none is given: the paper's for cross-entropy; ten times it for mse (see {@link Admm}). */
    static final double CROSS_ENTROPY_RHO = 0.05;
    static final double MSE_RHO = 0.5;

    static final List<ParamSpec> SPEC = List.of(
            ParamSpec.numbers("rho", null, 1e-6, 1e4,
                    "ρ_i, the penalty of layer i's constraint X_i = V_{i-1}W_i + e·b_i (a layer-wise inverse learning rate). "
                            + "One value is ρ_N of the output layer, and each lower layer takes layerFactor times the one above "
                            + "(the paper's rule: ρ₃ = 0.05, ρ₂ = 0.1, ρ₁ = 0.2); a list gives ρ_1 … ρ_N, input side first. "
                            + "Default ρ_N: 0.05 for cross-entropy (the paper's), 0.5 for mse, whose curvature is ten times "
                            + "that of the cross-entropy model. On Fashion-MNIST rho = beta = 0.5 with layerFactor 1 trained "
                            + "better and steadier than the paper's values (bench/results/admm.md)"),
            ParamSpec.numbers("beta", new double[] {0.1}, 1e-6, 1e4,
                    "β_i, the penalty of the inner ADMM (Table 2) that enforces layer i's ReLU/DCutLU constraints. One value "
                            + "is β_{N-1} of the top hidden layer, each lower layer taking layerFactor times the one above "
                            + "(the paper: β₂ = 0.1, β₁ = 0.2); a list gives β_1 … β_{N-1}"),
            ParamSpec.number("layerFactor", 2, 1, 10,
                    "when rho or beta is one value: ρ_i = layerFactor·ρ_{i+1} and β_i = layerFactor·β_{i+1} "
                            + "(1 gives every layer the same value, as in the paper's second experiment)"),
            ParamSpec.number("weightDecay", 0.1, 1e-6, 1e4,
                    "γ of the weight penalty g_i(W_i, b_i) = γ/2·‖(W_i, b_i)‖² (0.1 in the paper); also keeps the ridge "
                            + "regression of each (W_i, b_i) step well posed"),
            ParamSpec.integer("innerIterations", 1, 1, 50,
                    "rounds of the inner ADMM of Table 2 per layer and mini-batch (the paper runs one)"),
            ParamSpec.number("quadratic", 0.05, 1e-4, 100,
                    "c of the quadratic model c·(x − x̂)² + ⟨∇CE(x̂), x − x̂⟩ that replaces the cross-entropy in the output "
                            + "update (§5: 0.05); unused with mse"));

    /** The validated params of a network of {@code depth} = N weight layers. */
    static AdmmParams from(Params p, int depth, Loss loss) {
        double factor = p.number("layerFactor");
        double rhoTop = loss == Loss.MSE ? MSE_RHO : CROSS_ENTROPY_RHO;
        return new AdmmParams(perLayer(p, "rho", depth, factor, rhoTop), perLayer(p, "beta", depth - 1, factor, Double.NaN),
                p.number("weightDecay"), p.integer("innerIterations"), p.number("quadratic"));
    }

    /**
     * Values for layers 1 … count (index 0 unused): a single given value (or {@code top} when none is given)
     * is the top one's, each lower layer {@code factor} times the one above; a list is taken as it is.
     */
    private static double[] perLayer(Params p, String name, int count, double factor, double top) {
        double[] out = new double[count + 1];
        if (count == 0) return out;
        double[] given = (double[]) p.asMap().get(name);
        if (given == null || given.length == 1) {
            out[count] = given == null ? top : given[0];
            for (int i = count - 1; i >= 1; i--) out[i] = out[i + 1] * factor;
        } else {
            System.arraycopy(p.numbers(name, count), 0, out, 1, count);
        }
        return out;
    }

    /** Adds an error for a rho or beta list whose length fits neither one value nor one per layer. */
    static void checkLengths(Params p, int depth, List<FieldError> errors) {
        double[] rho = (double[]) p.asMap().get("rho");
        double[] beta = (double[]) p.asMap().get("beta");
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
        return "AdmmParams[rho=" + Arrays.toString(rho) + ", beta=" + Arrays.toString(beta) + ", weightDecay=" + weightDecay
                + ", innerIterations=" + innerIterations + ", quadratic=" + quadratic + "]";
    }
}
