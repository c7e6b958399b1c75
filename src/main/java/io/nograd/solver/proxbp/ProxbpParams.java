package io.nograd.solver.proxbp;

import io.nograd.solver.Param;
import io.nograd.solver.Precision;

/**
 * ProxProp's hyperparameters with the paper's names: τ (the explicit step on the loss and the neurons, which
 * Proposition 1 ties to BackProp's learning rate), τ_θ (the proximal step on the linear layers), how the proximal
 * subproblem is solved (exact, or N conjugate-gradient steps: the authors' {@code prox_exact} / {@code prox_cgN}),
 * what the output layer takes, and the Nesterov momentum of the paper's experiments.
 */
record ProxbpParams(
        @Param(defaultValue = "1", min = 1e-6, max = 100, description =
                "τ: explicit step on the loss and the neurons, z^{k+½} = z^k − τ·∂L/∂z, with L the mean loss of the batch "
                        + "(the SIBP paper's η; the authors' code passes it as the optimizer's learning rate)")
        double tau,
        @Param(defaultValue = "0.05", min = 1e-6, max = 1e6, description =
                "τ_θ: proximal step of the linear layers, the weight 1/(2τ_θ) of ‖θ − θ^k‖²; small τ_θ approaches a gradient "
                        + "step of size τ·τ_θ, large τ_θ a least-squares fit to z^{k+½} (the SIBP paper's λ; the authors' tau_prox)")
        double tauTheta,
        @Param(defaultValue = "exact", description =
                "solver of the proximal subproblem: exact (Cholesky solve, the authors' prox_exact) or cg (cgIterations "
                        + "conjugate-gradient steps started at θ^k, prox_cgN)")
        Solve solve,
        @Param(defaultValue = "5", min = 1, max = 100, noEffectWhen = "solve = exact", description =
                "N: conjugate-gradient iterations per layer and batch (the SIBP paper's experiments: 5; "
                        + "the authors' default: 1)")
        int cgIterations,
        @Param(defaultValue = "gradient", description =
                "update of the output layer: gradient (the explicit step of Algorithm 1, as the authors' code leaves the last "
                        + "layer an ordinary linear layer) or proximal (the same proximal step as the hidden layers, as the SIBP "
                        + "paper's §3.2 writes ProxBP for every layer)")
        OutputLayer outputLayer,
        @Param(defaultValue = "0.95", min = 0, max = 0.999, description =
                "μ: Nesterov momentum applied to each layer's update θ^{k+1} − θ^k, as the paper's experiments feed it to "
                        + "Nesterov SGD (0: Algorithm 1 as printed)")
        double momentum,
        @Param(defaultValue = "mean", description =
                "L of a batch: mean (the authors' code, PyTorch's default reduction) or sum over its samples (the SIBP "
                        + "paper's J, as its own SIBP takes it); with sum every step is m times larger")
        Reduction reduction,
        @Param(defaultValue = "float64", description = Precision.LIFTED)
        Precision precision) {

    enum Solve { CG, EXACT }

    enum Reduction { MEAN, SUM }

    enum OutputLayer { GRADIENT, PROXIMAL }
}
