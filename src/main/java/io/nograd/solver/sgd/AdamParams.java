package io.nograd.solver.sgd;

import java.util.List;

import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;

/** Adam's and AMSGrad's hyperparameters, with the paper's (and PyTorch's) names. */
record AdamParams(double lr, double beta1, double beta2, double eps, double weightDecay, String precision) {

    static final List<ParamSpec> SPEC = List.of(
            ParamSpec.number("lr", 1e-3, 1e-8, 10, "learning rate α"),
            ParamSpec.number("beta1", 0.9, 0, 0.9999, "decay β₁ of the first-moment average"),
            ParamSpec.number("beta2", 0.999, 0, 0.999999, "decay β₂ of the second-moment average"),
            ParamSpec.number("eps", 1e-8, 1e-12, 1, "ε added to the denominator"),
            ParamSpec.number("weightDecay", 0, 0, 1, "L2 penalty λ added to the gradient"),
            GradientSolver.PRECISION);

    static AdamParams from(Params p) {
        return new AdamParams(p.number("lr"), p.number("beta1"), p.number("beta2"), p.number("eps"), p.number("weightDecay"), p.choice("precision"));
    }
}
