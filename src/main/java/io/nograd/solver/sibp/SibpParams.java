package io.nograd.solver.sibp;

import io.nograd.solver.Param;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;

/**
 * SIBP's hyperparameters, with the paper's names: η (explicit step on the neurons, Algorithm 1 and eq. (4.2)),
 * its schedule over epochs (Theorem 4.2), λ_i (proximal parameter of eq. (4.1), one per layer allowed), the nonlinear-CG budget of §5.6, the Armijo
 * constants of the authors' code, and the separable regulariser γ·r(W) of Remark 4.1.
 *
 * @param lambda λ_i: one value for every layer, or one per layer ({@link #forLayers} expands it)
 */
record SibpParams(
        @Param(defaultValue = "1", min = 1e-6, max = 1000, description =
                "η: explicit step on the neurons, F^{k+½} = F − η·δ, with δ summed per sample (not divided by the batch size)")
        double eta,
        @Param(defaultValue = "inverse-epoch", description =
                "η per epoch e: constant (Algorithm 1 as printed), or inverse-epoch, η/e, a decreasing step with Ση = ∞ and Ση² < ∞ as Theorem 4.2 (mini-batch convergence) requires")
        EtaSchedule etaSchedule,
        @Param(defaultValue = "1", min = 1e-6, max = 1e6, description =
                "λ_i: proximal parameter of eq. (4.1), the weight 1/(2λ_i) of ‖W − W^k‖²; larger moves further; one value or one per layer")
        double[] lambda,
        @Param(defaultValue = "5", min = 1, max = 100, description =
                "nonlinear conjugate-gradient iterations per subproblem of eq. (4.1) (the paper's §5.6: 5)")
        int cgIterations,
        @Param(defaultValue = "0.6", min = 0.05, max = 0.95, description = "Armijo backtracking factor of the line search (authors' code: 0.6)")
        double backtracking,
        @Param(defaultValue = "0.1", min = 1e-4, max = 0.5, description = "Armijo sufficient-decrease constant σ (authors' code: 0.1)")
        double sigma,
        @Param(defaultValue = "none", description =
                "separable regulariser γ·r(W) of Remark 4.1 on the weights: none, l1 (γ‖W‖₁, prunes, §5.5) or l2 (γ½‖W‖²)")
        Regularizer regularizer,
        @Param(defaultValue = "1e-4", min = 0, max = 10, noEffectWhen = "regularizer = none", description =
                "γ: strength of the regulariser, per mini-batch subproblem")
        double gamma,
        @Param(defaultValue = "float32", description = Precision.LIFTED)
        Precision precision) {

    enum EtaSchedule { CONSTANT, INVERSE_EPOCH }

    enum Regularizer { NONE, L1, L2 }

    /** These params with λ given for each of {@code layers} layers (a 400 naming params.lambda when its length fits neither). */
    SibpParams forLayers(int layers) {
        return new SibpParams(eta, etaSchedule, Params.perLayer("lambda", lambda, layers), cgIterations, backtracking, sigma, regularizer, gamma, precision);
    }
}
