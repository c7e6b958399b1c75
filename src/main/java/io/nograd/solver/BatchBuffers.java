package io.nograd.solver;

import java.util.function.IntFunction;

/**
 * Buffers for the two batch sizes an epoch has (a solver's batches, the evaluator's chunks): the full one and,
 * when the data do not divide evenly, the shorter last batch. Each is built on first use and then reused batch after batch, so
 * the hot loop allocates nothing.
 */
public final class BatchBuffers<T> {

    private T full;
    private int fullSize;
    private T tail;
    private int tailSize;

    /** The full size is the size of the first batch asked for. */
    public BatchBuffers() {
    }

    /** The full size is known up front (a fixed chunk), whatever size is asked for first. */
    public BatchBuffers(int fullSize) {
        this.fullSize = fullSize;
    }

    /** The buffers built so far, the full size's first. */
    public java.util.List<T> built() {
        java.util.List<T> out = new java.util.ArrayList<>(2);
        if (full != null) out.add(full);
        if (tail != null) out.add(tail);
        return out;
    }

    /** The buffers for batches of {@code size} columns, built by {@code build} the first time. */
    public T get(int size, IntFunction<T> build) {
        if (fullSize == 0) fullSize = size;
        if (size == fullSize) {
            if (full == null) full = build.apply(size);
            return full;
        }
        if (tail == null || tailSize != size) {
            tail = build.apply(size);
            tailSize = size;
        }
        return tail;
    }
}
