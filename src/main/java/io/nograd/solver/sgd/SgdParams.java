package io.nograd.solver.sgd;

import java.util.List;

import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;

/** SGD's hyperparameters, with PyTorch's names. */
record SgdParams(double lr, double momentum, double weightDecay, String schedule, String precision) {

    static final List<ParamSpec> SPEC = List.of(
            ParamSpec.number("lr", 0.1, 1e-8, 100, "learning rate"),
            ParamSpec.number("momentum", 0, 0, 0.999, "heavy-ball momentum μ (0 = plain SGD)"),
            ParamSpec.number("weightDecay", 0, 0, 1, "L2 penalty λ added to the gradient"),
            ParamSpec.choice("schedule", "constant", List.of("constant", "step"),
                    "learning-rate schedule: constant, or step (×0.1 after ½ and again after ¾ of the epochs, the LPOM paper's SGD baseline)"),
            GradientSolver.PRECISION);

    static SgdParams from(Params p) {
        return new SgdParams(p.number("lr"), p.number("momentum"), p.number("weightDecay"), p.choice("schedule"), p.choice("precision"));
    }
}
