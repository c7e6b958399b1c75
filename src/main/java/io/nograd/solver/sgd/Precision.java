package io.nograd.solver.sgd;

/** The compute precision of a gradient baseline's forward and backward passes. */
enum Precision {
    FLOAT32, FLOAT64;

    /** The one description of the {@code precision} parameter every gradient baseline declares. */
    static final String DESCRIPTION = "compute precision of forward and backward passes: float32 (as PyTorch; sgemm is about twice as fast) "
            + "or float64 (as the lifted solvers); weights and optimizer state are float64 either way";
}
