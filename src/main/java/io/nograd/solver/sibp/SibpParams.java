package io.nograd.solver.sibp;

import java.util.List;

import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;

/**
 * SIBP's hyperparameters, with the paper's names: η (explicit step on the neurons, Algorithm 1 and eq. (4.2)),
 * its schedule over epochs (Theorem 4.2), λ_i (proximal parameter of eq. (4.1), one per layer allowed), the nonlinear-CG budget of §5.6, the Armijo
 * constants of the authors' code, and the separable regulariser γ·r(W) of Remark 4.1.
 *
 * @param lambda λ_i for every layer i (a single given value repeated)
 */
record SibpParams(double eta, String etaSchedule, double[] lambda, int cgIterations, double backtracking, double sigma,
                  String regularizer, double gamma) {

    static final List<ParamSpec> SPEC = List.of(
            ParamSpec.number("eta", 1, 1e-6, 1000,
                    "η: explicit step on the neurons, F^{k+½} = F − η·δ, with δ summed per sample (not divided by the batch size)"),
            ParamSpec.choice("etaSchedule", "inverse-epoch", List.of("constant", "inverse-epoch"),
                    "η per epoch e: constant (Algorithm 1 as printed), or inverse-epoch, η/e, a decreasing step with Ση = ∞ and Ση² < ∞ as Theorem 4.2 (mini-batch convergence) requires"),
            ParamSpec.numbers("lambda", new double[] {1}, 1e-6, 1e6,
                    "λ_i: proximal parameter of eq. (4.1), the weight 1/(2λ_i) of ‖W − W^k‖²; larger moves further; one value or one per layer"),
            ParamSpec.integer("cgIterations", 5, 1, 100,
                    "nonlinear conjugate-gradient iterations per subproblem of eq. (4.1) (the paper's §5.6: 5)"),
            ParamSpec.number("backtracking", 0.6, 0.05, 0.95,
                    "Armijo backtracking factor of the line search (authors' code: 0.6)"),
            ParamSpec.number("sigma", 0.1, 1e-4, 0.5,
                    "Armijo sufficient-decrease constant σ (authors' code: 0.1)"),
            ParamSpec.choice("regularizer", "none", List.of("none", "l1", "l2"),
                    "separable regulariser γ·r(W) of Remark 4.1 on the weights: none, l1 (γ‖W‖₁, prunes, §5.5) or l2 (γ½‖W‖²)"),
            ParamSpec.number("gamma", 1e-4, 0, 10,
                    "γ: strength of the regulariser, per mini-batch subproblem (ignored when regularizer is none)"));

    static SibpParams from(Params p, int layers) {
        return new SibpParams(p.number("eta"), p.choice("etaSchedule"), p.numbers("lambda", layers), p.integer("cgIterations"),
                p.number("backtracking"), p.number("sigma"), p.choice("regularizer"), p.number("gamma"));
    }
}
