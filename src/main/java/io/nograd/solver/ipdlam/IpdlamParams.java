package io.nograd.solver.ipdlam;

import java.util.List;

import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;

/**
 * iPDLAM's hyperparameters, with the paper's names (Qiao et al., Algorithm 1 and §3). The preset
 * {@code dlam-bcd} sets α = β = γ = δ = 0, which the paper says "degenerates [to] the DLAM" (Zeng et al.'s
 * BCD), so the inertial gain can be seen on the same data and seed (the paper's Fig. 1).
 *
 * @param alpha      α, inertia of the z extrapolation ẑ = z^k + α(z^k − z^{k−1})
 * @param beta       β, inertia of the W (and b) extrapolation
 * @param gamma      γ, inertia of the a extrapolation
 * @param delta      δ, weight of the proximal terms δρ/2‖· − ·̂‖²
 * @param theta      θ, penalty warm-up factor ρ_{k+1} = min(θρ_k, ρ̄), applied once per epoch
 * @param rho0       ρ_0
 * @param rhoMax     ρ̄
 * @param mode       where the auxiliary z, a live: {@code minibatch}, {@code minibatch-kept} or {@code full-batch}
 * @param order      {@code nested-reverse} (§3.5's NR) or {@code block} (Algorithm 1 as boxed)
 * @param iterations Algorithm 1 iterations per mini-batch visit
 */
record IpdlamParams(double alpha, double beta, double gamma, double delta, double theta, double rho0, double rhoMax,
                    String mode, String order, int iterations) {

    static final String MINIBATCH = "minibatch";
    static final String KEPT = "minibatch-kept";
    static final String FULL = "full-batch";
    static final String NESTED_REVERSE = "nested-reverse";
    static final String BLOCK = "block";

    static final List<ParamSpec> SPEC = List.of(
            ParamSpec.choice("preset", "ipdlam", List.of("ipdlam", "dlam-bcd"),
                    "ipdlam: the inertial proximal method with alpha, beta, gamma, delta below; dlam-bcd: plain DLAM "
                            + "(Zeng et al.'s BCD), i.e. alpha = beta = gamma = delta = 0 whatever is given, to see the inertial gain"),
            ParamSpec.number("alpha", 0.7, 0, 1.5, "α: inertia of z, ẑ = z^k + α(z^k − z^{k−1}); Table 1's best is 0.7, above 1 diverges"),
            ParamSpec.number("beta", 0.7, 0, 1.5, "β: inertia of W and b, Ŵ = W^k + β(W^k − W^{k−1})"),
            ParamSpec.number("gamma", 0.7, 0, 1.5, "γ: inertia of a, â = a^k + γ(a^k − a^{k−1})"),
            ParamSpec.number("delta", 1, 0, 1e6, "δ: weight of the proximal terms δρ/2‖x − x̂‖² in the z, W and a steps"),
            ParamSpec.number("theta", 1.1, 1, 10, "θ: penalty warm-up ρ ← min(θρ, ρ̄), once per epoch"),
            ParamSpec.number("rho0", 1, 1e-8, 1e8, "ρ_0: initial penalty; it only weighs the output step against the loss"),
            ParamSpec.number("rhoMax", 100, 1e-8, 1e12, "ρ̄: the penalty's ceiling"),
            ParamSpec.choice("mode", MINIBATCH, List.of(MINIBATCH, KEPT, FULL),
                    "minibatch (default): each batch's z and a start from a forward pass with the current W, b (no per-sample "
                            + "storage; on the paper's net it rose every epoch to 0.875 after 10, while keeping them peaked at 0.851 and drifted to 0.825); minibatch-kept: a fixed "
                            + "partition, each batch keeps its own z and a between epochs; full-batch: one iteration per epoch "
                            + "over all samples, as the paper's base code (needs the z, a of every sample in the heap)"),
            ParamSpec.choice("order", NESTED_REVERSE, List.of(NESTED_REVERSE, BLOCK),
                    "update order (§3.5): nested-reverse z_L, W_L, a_{L-1}, z_{L-1}, ... (labels reach every layer in one "
                            + "iteration); block: all z, then all W, then all a, as Algorithm 1 is boxed (full-batch always uses block)"),
            ParamSpec.integer("iterations", 1, 1, 100, "Algorithm 1 iterations per visit of a mini-batch"));

    static IpdlamParams from(Params p) {
        boolean dlam = "dlam-bcd".equals(p.choice("preset"));
        return new IpdlamParams(dlam ? 0 : p.number("alpha"), dlam ? 0 : p.number("beta"), dlam ? 0 : p.number("gamma"),
                dlam ? 0 : p.number("delta"), p.number("theta"), p.number("rho0"), Math.max(p.number("rho0"), p.number("rhoMax")),
                p.choice("mode"), p.choice("order"), p.integer("iterations"));
    }
}
