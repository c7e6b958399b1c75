package io.nograd.solver;

import io.nograd.data.Batches;
import io.nograd.nn.Network;

/**
 * A training algorithm bound to one job. It receives the network, the epoch's batches and a cancellation
 * check, mutates the network's weights, and never talks to HTTP, storage or WebSockets.
 */
public interface Solver {

    /**
     * One pass over the epoch's batches; updates {@code net} in place. Calls {@link Cancellation#check()}
     * between batches, so a cancel takes effect within one batch.
     *
     * @return the solver's own figures for the epoch (its lifted objective, per-layer diagnostics)
     */
    EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel);

    /**
     * Threads the solver runs its own work on. The job's thread budget divides its cores by this to size
     * the matrix products' threads (a parallel solver runs single-threaded BLAS on each of its threads).
     */
    default int threads() {
        return 1;
    }

    /**
     * Puts what this solver carries into the next epoch beyond the weights into {@code out} (its own arrays,
     * not copies; read before the next {@link #trainEpoch}). Nothing for a solver that starts every epoch afresh.
     */
    default void saveState(SolverState out) {
    }

    /**
     * Takes back what {@link #saveState} put, before the first {@link #trainEpoch} of a resumed run.
     *
     * @throws SolverState.Mismatch when {@code in} does not fit this solver (the run then starts its state afresh)
     */
    default void restoreState(SolverState in) {
    }
}
