package io.nograd.solver.ipdlam;

import io.nograd.solver.Param;
import io.nograd.solver.Precision;

/**
 * iPDLAM's hyperparameters, with the paper's names (Qiao et al., Algorithm 1 and §3). The preset
 * {@code plain-am} sets α = β = γ = δ = 0, which the paper says "degenerates [to] the DLAM": plain alternating
 * minimisation of this paper's Φ_ρ, with its ρ warm-up and no proximal term. It is not the DLAM baseline the paper's
 * Fig. 1 ran (Zeng et al.'s three-splitting BCD with its proximal terms, full batch): that is the solver {@code bcd}.
 * {@code dlam-bcd}, the preset's former name, stays an alias so that stored jobs and sweeps that name it still run.
 * {@link #effective} applies the preset.
 */
record IpdlamParams(
        @Param(defaultValue = "ipdlam", description =
                "ipdlam: the inertial proximal method with alpha, beta, gamma, delta below; plain-am: alpha = beta = gamma = "
                        + "delta = 0 whatever is given, plain alternating minimisation of Φ_ρ (the paper's degenerate case, not "
                        + "Zeng et al.'s BCD with its proximal terms: that is algorithm bcd); dlam-bcd: the former name of plain-am")
        Preset preset,
        @Param(defaultValue = "0.7", min = 0, max = 1.5, noEffectWhen = {"preset = plain-am | dlam-bcd", "mode = minibatch & iterations = 1"}, description = "α: inertia of z, ẑ = z^k + α(z^k − z^{k−1}); Table 1's best is 0.7, above 1 diverges")
        double alpha,
        @Param(defaultValue = "0.7", min = 0, max = 1.5, noEffectWhen = "preset = plain-am | dlam-bcd", description = "β: inertia of W and b, Ŵ = W^k + β(W^k − W^{k−1}); in the mini-batch modes W^{k−1} is W before the previous batch's step")
        double beta,
        @Param(defaultValue = "0.7", min = 0, max = 1.5, noEffectWhen = {"preset = plain-am | dlam-bcd", "mode = minibatch & iterations = 1"}, description = "γ: inertia of a, â = a^k + γ(a^k − a^{k−1})")
        double gamma,
        @Param(defaultValue = "1", min = 0, max = 1e6, noEffectWhen = "preset = plain-am | dlam-bcd", description = "δ: weight of the proximal terms δρ/2‖x − x̂‖² in the z, W and a steps")
        double delta,
        @Param(defaultValue = "1.1", min = 1, max = 10, description = "θ: penalty warm-up ρ ← min(θρ, ρ̄), once per epoch")
        double theta,
        @Param(defaultValue = "1", min = 1e-8, max = 1e8, description = "ρ_0: initial penalty; it only weighs the output step against the loss")
        double rho0,
        @Param(defaultValue = "100", min = 1e-8, max = 1e12, description = "ρ̄: the penalty's ceiling (at least ρ_0)")
        double rhoMax,
        @Param(defaultValue = "minibatch", description =
                "minibatch (default): each batch's z and a start from a forward pass with the current W, b (no per-sample "
                        + "storage; bench/results/ipdlam.md compares the modes); minibatch-kept: a fixed "
                        + "partition, each batch keeps its own z and a between epochs; full-batch: one iteration per epoch "
                        + "over all samples, as the paper's base code (needs the z, a of every sample in the heap)")
        Mode mode,
        @Param(defaultValue = "nested-reverse", noEffectWhen = "mode = full-batch", description =
                "update order (§3.5): nested-reverse z_L, W_L, a_{L-1}, z_{L-1}, ... (labels reach every layer in one "
                        + "iteration); block: all z, then all W, then all a, as Algorithm 1 is boxed")
        Order order,
        @Param(defaultValue = "1", min = 1, max = 100, noEffectWhen = "mode = full-batch", description =
                "Algorithm 1 iterations per visit of a mini-batch (full-batch takes one per epoch, in block order)")
        int iterations,
        @Param(defaultValue = "float32", description = Precision.LIFTED)
        Precision precision,
        @Param(defaultValue = "float32", noEffectWhen = "preset = plain-am | dlam-bcd", description = Precision.FACTORS
                + "; float64 whenever δ = 0, where the W step's system is nearly singular")
        Precision factors) {

    /** {@code DLAM_BCD} is the former name of {@code PLAIN_AM}, accepted for stored specs. */
    enum Preset { IPDLAM, PLAIN_AM, DLAM_BCD }

    /** Where the auxiliary z, a live. */
    enum Mode { MINIBATCH, MINIBATCH_KEPT, FULL_BATCH }

    /** {@code NESTED_REVERSE} is §3.5's NR; {@code BLOCK} is Algorithm 1 as boxed. */
    enum Order { NESTED_REVERSE, BLOCK }

    /** The values the algorithm runs with: the preset applied, ρ̄ at least ρ_0. */
    IpdlamParams effective() {
        boolean dlam = preset != Preset.IPDLAM;
        return new IpdlamParams(preset, dlam ? 0 : alpha, dlam ? 0 : beta, dlam ? 0 : gamma, dlam ? 0 : delta, theta, rho0,
                Math.max(rho0, rhoMax), mode, order, iterations, precision, factors);
    }
}
