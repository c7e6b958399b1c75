package io.nograd.solver.lpom;

import io.nograd.nn.Activation;
import io.nograd.nn.Network;
import io.nograd.solver.Param;
import io.nograd.solver.Precision;

/**
 * LPOM's hyperparameters with the paper's names: μ of eq. (19) (at the output; per layer as {@code muScaling} says),
 * the iteration counts K1, K2, K3 of Algorithms 1–3, the moving-average weight ν of Algorithm 3 (footnote 5: the serial
 * solver uses it too), the relative ridge λ of the W step (eq. (36)), the choice of Algorithm 3, the order of the
 * activation updates, and the precision of the products (float64 by default: every LPOM figure in bench/results was
 * measured so).
 */
record LpomParams(
        @Param(defaultValue = "2", min = 1e-3, max = 1e4, description =
                "penalty μ of eq. (19), the same for every layer; enters the output update eq. (29) as the step 1/μ, "
                        + "so a larger μ moves the output less per sweep")
        double mu,
        @Param(defaultValue = "3", min = 1e-6, max = 1e6, description =
                "proximal weight of the W step (ridge form of eq. (36), on [W b] with the bias as a ones row), relative to "
                        + "the mean eigenvalue of the batch's centred activation covariance at each layer (per sample never below "
                        + "the job's first batch's): scale-free, per layer")
        double lambda,
        @Param(defaultValue = "0", min = 0, max = 100, description =
                "K1: sweeps of the activation updates per batch (eq. (29) for the output, eq. (26) for hidden layers); "
                        + "0: " + LpomParams.SWEEPS_SATURATING + " where φ saturates at both ends (sigmoid, tanh, dcutlu), "
                        + LpomParams.SWEEPS_OTHER + " elsewhere")
        int k1,
        @Param(defaultValue = "1", min = 1, max = 100, description = "K2: iterations of Algorithm 2 (the APG variant with θ_k) per weight matrix")
        int k2,
        @Param(defaultValue = "1", min = 1, max = 100, description = "K3: fixed-point iterations of eq. (26)/(29) inside each sweep, before the moving average")
        int k3,
        @Param(defaultValue = "0.5", min = 1e-3, max = 1, description =
                "ν of Algorithm 3: X ← ν·X̃ + (1 − ν)·X after each update of the output (serial too, footnote 5), and of "
                        + "a hidden layer with hiddenStep = averaged, there capped at 2/(2 + ρ̂), ρ̂ the batch's estimate of "
                        + "Theorem 2's ρ (with chebyshev, its steps are scaled by min(1, 2ν)); lower ν if parallel = true diverges")
        double nu,
        @Param(defaultValue = "false", description =
                "true: synchronous-parallel LPOM (Algorithm 3), odd/even layers and all W on the job's threads; "
                        + "false: serial LPOM (Algorithm 1)")
        boolean parallel,
        @Param(defaultValue = "float64", description = Precision.LIFTED)
        Precision precision,
        @Param(defaultValue = "output-first", description =
                "order of the activation updates per batch, both from a forward pass: output-first (each of the K1 sweeps "
                        + "updates X^n by eq. (29), then X^{n-1} … X^2 by eq. (26)) or algorithm-1 (Algorithm 1 as printed: "
                        + "X^n starts at the label D, ⓐ X^{n-1} … X^2 K1 times, then ⓑ X^n K1 times; the hidden targets "
                        + "then move by about the same amount at every μ)")
        Order order,
        @Param(defaultValue = "auto", description =
                "how a hidden X^i moves after eq. (26)'s K3 fixed-point steps give X̃: averaged (footnote 5: X ← ν_i·X̃ + "
                        + "(1 − ν_i)·X, ν_i = min(ν, 2/(2 + ρ̂))), chebyshev (the top hidden layer and every second one below "
                        + "move by Chebyshev's K1 steps over each sample's own [1, 1 + ρ̂_j], shortest first, the others "
                        + "averaged), newton (X ← X + (I + r·S(W^i)ᵀD W^i)⁻¹(X̃ − X), r = μ_{i+1}/μ_i, S the batch's mean "
                        + "slope φ′ per unit of X^i, D the largest per unit of X^{i+1}: Newton's step on the linearised eq. (26), "
                        + "kept in φ's range), or auto: newton where φ saturates at both ends (sigmoid, tanh, dcutlu), "
                        + "chebyshev where φ(z) = z above 0 (relu, leaky-relu, elu), averaged elsewhere and with parallel = "
                        + "true, K3 > 1 or an even K1")
        HiddenStep hiddenStep,
        @Param(defaultValue = "lipschitz", description =
                "the penalties μ_i of eq. (19) per layer: lipschitz (μ at the output and μ_{i+1}/μ_i = 1/β below it, β the "
                        + "Lipschitz constant of the activation producing X^{i+1}; for sigmoid it offsets the factor φ′ ≤ 1/4 "
                        + "that each layer puts on the label's pull) or equal (μ_i = μ for every layer, the paper's Table 6 "
                        + "setting); the two are the same where β = 1, as for ReLU, leaky ReLU, tanh, ELU and softplus")
        MuScaling muScaling) {

    /** K1 for {@code k1 = 0}: where φ saturates at both ends, and elsewhere (see {@link Lpom}). */
    static final int SWEEPS_SATURATING = 6;
    static final int SWEEPS_OTHER = 3;

    /** The two readings of Algorithm 1's steps ⓐ and ⓑ (see {@link Lpom}). */
    enum Order { OUTPUT_FIRST, ALGORITHM_1 }

    /** How a hidden layer's fixed-point iterate of eq. (26) becomes its next X^i (see {@link Lpom}). */
    enum HiddenStep { AUTO, AVERAGED, CHEBYSHEV, NEWTON }

    /** How μ_i of eq. (19) varies with the layer (see {@link Lpom}). */
    enum MuScaling { EQUAL, LIPSCHITZ }

    /**
     * These parameters with {@code k1 = 0} and {@code hiddenStep = auto} made concrete for the net's hidden activation:
     * where φ's range is bounded at both ends (sigmoid, tanh, dcutlu) 6 sweeps and the Newton step, elsewhere 3 and
     * Chebyshev's steps where φ(z) = z above 0 (ReLU, leaky ReLU, ELU: the slopes of the linearisation hold along a long
     * step), or the averaged step: for other φ (softplus), where one update is not one step of the map (K3 &gt; 1),
     * neighbouring layers move at once ({@code parallel}) or K1 is even, where the schedule costs a shallow ReLU net
     * more than the averaged step does (see {@link Lpom}).
     */
    LpomParams resolved(Activation hidden) {
        boolean saturating = hidden.bounded();
        int sweeps = k1 > 0 ? k1 : saturating ? SWEEPS_SATURATING : SWEEPS_OTHER;
        boolean schedule = hidden.identityAboveZero() && !parallel && k3 == 1 && sweeps % 2 == 1;
        HiddenStep elsewhere = schedule ? HiddenStep.CHEBYSHEV : HiddenStep.AVERAGED;
        return new LpomParams(mu, lambda, sweeps, k2, k3, nu, parallel, precision, order,
                hiddenStep != HiddenStep.AUTO ? hiddenStep : saturating ? HiddenStep.NEWTON : elsewhere, muScaling);
    }

    /** μ_{i+1}/μ_i, the factor of eq. (26) for hidden layer i. */
    double ratio(Network net, int i) {
        return muScaling == MuScaling.EQUAL ? 1 : 1 / net.activation(i - 1).lipschitz();
    }

    /** μ_i of eq. (19) for i = 2..n (index i; 0 and 1 unused): μ at the output, μ_{i+1}/{@link #ratio} below it. */
    double[] penalties(Network net) {
        int n = net.depth() + 1;
        double[] out = new double[n + 1];
        out[n] = mu;
        for (int i = n - 1; i >= 2; i--) out[i] = out[i + 1] / ratio(net, i);
        return out;
    }
}
