package io.nograd.solver.sgd;

import io.nograd.solver.Param;
import io.nograd.solver.Precision;

/** Adam's and AMSGrad's hyperparameters, with the paper's (and PyTorch's) names. */
record AdamParams(
        @Param(defaultValue = "1e-3", min = 1e-8, max = 10, description = "learning rate α")
        double lr,
        @Param(defaultValue = "0.9", min = 0, max = 0.9999, description = "decay β₁ of the first-moment average")
        double beta1,
        @Param(defaultValue = "0.999", min = 0, max = 0.999999, description = "decay β₂ of the second-moment average")
        double beta2,
        @Param(defaultValue = "1e-8", min = 1e-12, max = 1, description = "ε added to the denominator")
        double eps,
        @Param(defaultValue = "0", min = 0, max = 1, description = "L2 penalty λ added to the gradient")
        double weightDecay,
        @Param(defaultValue = "float32", description = Precision.GRADIENT)
        Precision precision) {
}
