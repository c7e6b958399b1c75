package io.nograd.solver.dlam;

import java.util.List;

import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;

/**
 * DLAM's hyperparameters, with the paper's names: ρ of the penalty φ, the tolerance ε of the ε-balls and
 * its schedule, γ of Algorithm 2 and η of Algorithm 3, and the FISTA steps of eq. (5).
 *
 * @param rho              ρ, the penalty of φ = (ρ/2)‖z_l − W_l a_{l−1} − b_l‖² (§4.1.2: 1e-4)
 * @param epsilon          ε at the first iteration
 * @param epsilonMin       the floor of the ε schedule
 * @param epsilonSchedule  {@code decay}, {@code adaptive} or {@code fixed} (see {@link Dlam})
 * @param epsilonDecay     the factor of the decay and adaptive schedules
 * @param epsilonGuard     shrink ε only when it costs F at most half the last descent
 * @param gamma            γ &gt; 1 of Algorithm 2 (θ ← θγ while the quadratic bound fails)
 * @param eta              η &gt; 1 of Algorithm 3 (t ← tη while the quadratic bound fails)
 * @param fistaIterations  FISTA steps for the output z_L of eq. (5) with cross-entropy
 */
record DlamParams(double rho, double epsilon, double epsilonMin, String epsilonSchedule, double epsilonDecay,
                  boolean epsilonGuard,
                  double gamma, double eta, int fistaIterations) {

    static final List<String> SCHEDULES = List.of("decay", "adaptive", "fixed");

    static final List<ParamSpec> SPEC = List.of(
            ParamSpec.number("rho", 1e-4, 1e-9, 1e3,
                    "ρ: penalty of the linear constraints z_l = W_l a_{l−1} + b_l, summed over samples (the paper's 1e-4); "
                            + "the risk is a mean over samples, so ρ·N weighs one sample's penalty against its loss"),
            ParamSpec.number("epsilon", 1, 1e-9, 1e6,
                    "ε at the first iteration: half-width of the ε-ball h(z_l) − ε ≤ a_l ≤ h(z_l) + ε"),
            ParamSpec.number("epsilonMin", 1e-3, 0, 1e6,
                    "the smallest ε the schedule goes to"),
            ParamSpec.choice("epsilonSchedule", "decay", SCHEDULES,
                    "decay: ε ← max(ε·epsilonDecay, epsilonMin) every iteration (the authors' later code halves it); adaptive: the "
                            + "monotone reading of §4.1.2, ε ← max(ε·epsilonDecay, epsilonMin) only while ε > 10·R(z_L); fixed: ε stays "
                            + "(Lemma 1's setting)"),
            ParamSpec.number("epsilonDecay", 0.5, 0.01, 1, "factor applied to ε by the decay and adaptive schedules"),
            ParamSpec.bool("epsilonGuard", true,
                    "take a smaller ε only when restoring the smaller ε-balls costs F at most half the last iteration's descent, "
                            + "so F decreases every iteration (false: shrink blindly, as the authors' code)"),
            ParamSpec.number("gamma", 2, 1.0001, 100,
                    "γ of Algorithm 2: θ_l is multiplied by γ until φ(ζ) ≤ P(ζ; θ)"),
            ParamSpec.number("eta", 2, 1.0001, 100,
                    "η of Algorithm 3: t is multiplied by η until φ(β) ≤ Q(β; t)"),
            ParamSpec.integer("fistaIterations", 10, 1, 1000,
                    "FISTA steps solving eq. (5) for the output z_L with cross-entropy (MSE has a closed form)"));

    static DlamParams from(Params p) {
        return new DlamParams(p.number("rho"), p.number("epsilon"), p.number("epsilonMin"), p.choice("epsilonSchedule"), p.number("epsilonDecay"), p.bool("epsilonGuard"),
                p.number("gamma"), p.number("eta"), p.integer("fistaIterations"));
    }
}
