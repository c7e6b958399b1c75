package io.nograd.solver;

import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Gemm;
import io.nograd.nn.Passes;

/** The precision of a solver's large matrix products, a parameter that the gradient baselines and some lifted solvers declare. */
public enum Precision {
    FLOAT32, FLOAT64;

    /** The one description of the {@code precision} parameter every gradient baseline declares. */
    public static final String GRADIENT = "compute precision of forward and backward passes: float32 (as PyTorch; sgemm is about twice as fast) "
            + "or float64 (as the lifted solvers); weights and optimizer state are float64 either way";

    /** The one description of the {@code factors} parameter of the lifted solvers that offer float32 Cholesky factors. */
    public static final String FACTORS = "precision of the Cholesky factors and triangular solves: float32 (the blocked factor and the solves by "
            + "strsm, ssyrk on float32 copies, solutions widened) or float64";

    /** The one description of the {@code precision} parameter of the lifted solvers that offer float32 products. */
    public static final String LIFTED = "precision of the matrix products (forward passes, Gram matrices, the steps' products): float32 (sgemm on "
            + "float32 copies of the operands, results widened) or float64; it changes neither the variables' precision nor that of the Cholesky factors and triangular solves";

    /** The matrix products of a solver whose {@code precision} parameter is this: {@link Float32Gemm} over the native Gemm, or that Gemm. */
    public Gemm products() {
        return Float32Gemm.of(this == FLOAT32, Gemm.get());
    }

    /** {@link #products()} whose float32 copies run on the passes of the solver's thread budget. */
    public Gemm products(Passes passes) {
        return this == FLOAT32 ? new Float32Gemm(Gemm.get(), passes) : Gemm.get();
    }
}
