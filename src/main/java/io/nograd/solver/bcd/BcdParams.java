package io.nograd.solver.bcd;

import io.nograd.solver.Param;
import io.nograd.solver.Precision;

/**
 * The three-splitting BCD's hyperparameters with Zeng et al.'s names: γ weighs ‖V − σ(U)‖², ρ the linear
 * constraints ‖U − WV − b‖², α the proximal terms of the U, W, b and output V blocks. Defaults are those of the
 * authors' code, which the iPDLAM paper's DLAM baseline ran with; float32 products and factors as that code's
 * PyTorch tensors, and as iPDLAM beside it.
 */
record BcdParams(
        @Param(defaultValue = "1", min = 1e-6, max = 1e6, description =
                "γ: weight of the activation terms γ/2‖V_i − σ(U_i)‖² (and γ/2‖V_N − U_N‖² at the output)")
        double gamma,
        @Param(defaultValue = "1", min = 1e-6, max = 1e6, description =
                "ρ: weight of the linear terms ρ/2‖U_i − W_i V_{i−1} − b_i‖²")
        double rho,
        @Param(defaultValue = "5", min = 0, max = 1e6, description =
                "α: proximal weight α/2‖x − x^{k−1}‖² on the output V_N, every U_i (i < N), W_i and b_i "
                        + "(the hidden V_i take none); 0 drops the proximal terms")
        double alpha,
        @Param(defaultValue = "float32", description = Precision.LIFTED)
        Precision precision,
        @Param(defaultValue = "float32", description = Precision.FACTORS
                + "; float64 whenever α = 0, where the W step's system is nearly singular")
        Precision factors) {

    /** Float32 factors only where α keeps the W step's system away from singular (the V step's has γI). */
    boolean floatFactors() {
        return factors == Precision.FLOAT32 && alpha > 0;
    }
}
