package io.nograd.solver;

import java.util.function.IntToLongFunction;

/**
 * Sizes the solvers' memory estimates are built from: every estimate counts the buffers its solver
 * allocates, in bytes, for a job of a given shape. Solvers keep one workspace per batch size an epoch has
 * (the full batch and, when the training set does not divide evenly, the shorter last one; see
 * {@link BatchBuffers}), and both live at once.
 */
public final class MemoryEstimate {

    private MemoryEstimate() {
    }

    /** Weights and biases of the network. */
    public static long params(TrainingShape s) {
        long p = 0;
        for (int l = 0; l + 1 < s.layers().length; l++) p += (long) s.layers()[l + 1] * (s.layers()[l] + 1);
        return p;
    }

    /** Units of every layer but the input: the rows of the per-layer, per-sample buffers. */
    public static long units(TrainingShape s) {
        long u = 0;
        for (int l = 1; l < s.layers().length; l++) u += s.layers()[l];
        return u;
    }

    /** Layers with weights. */
    public static int depth(TrainingShape s) {
        return s.layers().length - 1;
    }

    /** The bytes of the full-batch workspace plus, when there is one, the last batch's. */
    public static long workspaces(TrainingShape s, IntToLongFunction bytesForColumns) {
        int m = Math.max(1, s.batchSize());
        int last = s.trainSamples() % m;
        return bytesForColumns.applyAsLong(m) + (last > 0 ? bytesForColumns.applyAsLong(last) : 0);
    }
}
