package io.nograd.solver;

import java.util.concurrent.CancellationException;

/** A cooperative cancel signal, polled by solvers between batches. */
@FunctionalInterface
public interface Cancellation {

    Cancellation NEVER = () -> false;

    boolean isCancelled();

    /** Throws {@link CancellationException} when cancelled; the epoch in progress is then discarded. */
    default void check() {
        if (isCancelled()) throw new CancellationException("cancelled");
    }
}
