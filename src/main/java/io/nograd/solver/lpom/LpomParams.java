package io.nograd.solver.lpom;

import java.util.List;

import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;

/**
 * LPOM's hyperparameters with the paper's names: μ of eq. (19) (one for every layer, §6.1.3), the iteration
 * counts K1, K2, K3 of Algorithms 1–3, the moving-average weight ν of Algorithm 3 (footnote 5: the serial
 * solver uses it too), the relative ridge λ of the W step (eq. (36)), and the choice of Algorithm 3.
 */
record LpomParams(double mu, double lambda, int k1, int k2, int k3, double nu, boolean parallel) {

    static final List<ParamSpec> SPEC = List.of(
            ParamSpec.number("mu", 2, 1e-3, 1e4,
                    "penalty μ of eq. (19), the same for every layer; enters the output update eq. (29) as the step 1/μ "
                            + "(μ ≤ 1 overshoots, μ ≥ 5 learns slowly)"),
            ParamSpec.number("lambda", 3, 1e-6, 1e6,
                    "proximal weight of the W step (ridge form of eq. (36)), relative to the mean eigenvalue of the batch's "
                            + "centred activation covariance at each layer (bias unpenalised): scale-free, per layer"),
            ParamSpec.integer("k1", 3, 1, 100,
                    "K1: sweeps of the activation updates per batch (eq. (29) for the output, eq. (26) for hidden layers)"),
            ParamSpec.integer("k2", 1, 1, 100, "K2: iterations of Algorithm 2 (the APG variant with θ_k) per weight matrix"),
            ParamSpec.integer("k3", 1, 1, 100, "K3: fixed-point iterations of eq. (26)/(29) inside each sweep, before the moving average"),
            ParamSpec.number("nu", 0.5, 1e-3, 1,
                    "ν of Algorithm 3: X ← ν·X̃ + (1 − ν)·X after each update (serial too, footnote 5); "
                            + "use 0.3 for deep equal-width autoencoders with parallel = true"),
            ParamSpec.bool("parallel", false,
                    "true: synchronous-parallel LPOM (Algorithm 3), odd/even layers and all W on the job's threads; "
                            + "false: serial LPOM (Algorithm 1)"));

    static LpomParams from(Params p) {
        return new LpomParams(p.number("mu"), p.number("lambda"), p.integer("k1"), p.integer("k2"), p.integer("k3"),
                p.number("nu"), p.bool("parallel"));
    }
}
