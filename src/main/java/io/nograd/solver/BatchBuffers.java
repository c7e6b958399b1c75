package io.nograd.solver;

import java.util.function.IntFunction;

/**
 * A solver's buffers for the two batch sizes an epoch has: the full one and, when the training set does not
 * divide evenly, the shorter last batch. Each is built on first use and then reused batch after batch, so
 * the hot loop allocates nothing.
 */
public final class BatchBuffers<T> {

    private T full;
    private int fullSize;
    private T tail;
    private int tailSize;

    /** The buffers for batches of {@code size} columns, built by {@code build} the first time. */
    public T get(int size, IntFunction<T> build) {
        if (full == null) {
            full = build.apply(size);
            fullSize = size;
        }
        if (size == fullSize) return full;
        if (tail == null || tailSize != size) {
            tail = build.apply(size);
            tailSize = size;
        }
        return tail;
    }
}
