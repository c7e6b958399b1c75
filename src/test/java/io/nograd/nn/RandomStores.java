package io.nograd.nn;

import java.util.SplittableRandom;

import org.ojalgo.matrix.store.R064Store;

/** Seeded random matrices for the numerical tests. */
final class RandomStores {

    private RandomStores() {
    }

    /** rows × cols, entries uniform in [−0.5, 0.5). */
    static R064Store uniform(int rows, int cols, long seed) {
        R064Store m = Ops.make(rows, cols);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < m.data.length; i++) m.data[i] = rng.nextDouble() - 0.5;
        return m;
    }
}
