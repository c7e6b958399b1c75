package io.nograd.solver.sgd;

import io.nograd.solver.Param;
import io.nograd.solver.Precision;

/** SGD's hyperparameters, with PyTorch's names. */
record SgdParams(
        @Param(defaultValue = "0.1", min = 1e-8, max = 100, description = "learning rate")
        double lr,
        @Param(defaultValue = "0", min = 0, max = 0.999, description = "heavy-ball momentum μ (0 = plain SGD)")
        double momentum,
        @Param(defaultValue = "0", min = 0, max = 1, description = "L2 penalty λ added to the gradient")
        double weightDecay,
        @Param(defaultValue = "constant", description =
                "learning-rate schedule: constant, or step (×0.1 after ½ and again after ¾ of the epochs, the LPOM paper's SGD baseline)")
        Schedule schedule,
        @Param(defaultValue = "float32", description = Precision.GRADIENT)
        Precision precision) {

    enum Schedule { CONSTANT, STEP }
}
