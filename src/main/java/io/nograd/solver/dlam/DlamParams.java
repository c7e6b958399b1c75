package io.nograd.solver.dlam;

import io.nograd.solver.Param;
import io.nograd.solver.Precision;

/**
 * DLAM's hyperparameters, with the paper's names: ρ of the penalty φ, the tolerance ε of the ε-balls and
 * its schedule, γ of Algorithm 2 and η of Algorithm 3; the precision of the products.
 */
record DlamParams(
        @Param(defaultValue = "1e-4", min = 1e-9, max = 1e3, description =
                "ρ: penalty of the linear constraints z_l = W_l a_{l−1} + b_l, summed over samples (the paper's 1e-4); "
                        + "the risk is a mean over samples, so ρ·N weighs one sample's penalty against its loss")
        double rho,
        @Param(defaultValue = "1", min = 1e-9, max = 1e6, description =
                "ε at the first iteration: half-width of the ε-ball h(z_l) − ε ≤ a_l ≤ h(z_l) + ε")
        double epsilon,
        @Param(defaultValue = "1e-3", min = 0, max = 1e6, noEffectWhen = "epsilonSchedule = fixed", description = "the smallest ε the schedule goes to")
        double epsilonMin,
        @Param(defaultValue = "decay", description =
                "decay: ε ← max(ε·epsilonDecay, epsilonMin) every iteration (the authors' later code halves it); adaptive: the "
                        + "monotone reading of §4.1.2, ε ← max(ε·epsilonDecay, epsilonMin) only while ε > 10·R(z_L); fixed: ε stays "
                        + "(Lemma 1's setting)")
        EpsilonSchedule epsilonSchedule,
        @Param(defaultValue = "0.5", min = 0.01, max = 1, noEffectWhen = "epsilonSchedule = fixed", description = "factor applied to ε by the decay and adaptive schedules")
        double epsilonDecay,
        @Param(defaultValue = "true", noEffectWhen = "epsilonSchedule = fixed", description =
                "take a smaller ε only when restoring the smaller ε-balls costs F at most half the last iteration's descent, "
                        + "so F decreases every iteration (false: shrink blindly, as the authors' code)")
        boolean epsilonGuard,
        @Param(defaultValue = "2", min = 1.0001, max = 100, description = "γ of Algorithm 2: θ_l is multiplied by γ until φ(ζ) ≤ P(ζ; θ)")
        double gamma,
        @Param(defaultValue = "2", min = 1.0001, max = 100, description = "η of Algorithm 3: t is multiplied by η until φ(β) ≤ Q(β; t)")
        double eta,
        @Param(defaultValue = "0.01", min = 0, max = 1e3, description =
                "δ: weight of the proximal term δ/2‖z_L − z_L^k‖² added to eq. (5), per sample like ρ; 0 solves eq. (5) "
                        + "exactly, which fits z_L to the labels at once and leaves the ε guard no descent to shrink ε with")
        double delta,
        @Param(defaultValue = "float32", description = Precision.LIFTED)
        Precision precision) {

    enum EpsilonSchedule { DECAY, ADAPTIVE, FIXED }
}
