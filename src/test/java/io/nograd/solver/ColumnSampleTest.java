package io.nograd.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Ops;

/** The report sample: the residual of its columns matches the product done by hand, and small batches are whole. */
class ColumnSampleTest {

    private static R064Store random(int rows, int cols, SplittableRandom rng) {
        R064Store s = Ops.make(rows, cols);
        for (int i = 0; i < s.data.length; i++) s.data[i] = rng.nextDouble(-1, 1);
        return s;
    }

    /** Σ over columns [0, s) of (z − W a − b)², the slow way. */
    private static double squares(R064Store w, R064Store b, R064Store a, R064Store z, int s) {
        double sum = 0;
        for (int j = 0; j < s; j++) {
            for (int i = 0; i < Ops.rows(z); i++) {
                double r = z.get(i, j) - b.get(i, 0);
                for (int k = 0; k < Ops.rows(a); k++) r -= w.get(i, k) * a.get(k, j);
                sum += r * r;
            }
        }
        return sum;
    }

    @Test
    void residualOnTheFirstColumnsAndScale() {
        SplittableRandom rng = new SplittableRandom(7);
        R064Store w = random(4, 6, rng);
        R064Store b = random(4, 1, rng);
        R064Store a = random(6, 9, rng);
        R064Store z = random(4, 9, rng);
        R064Store r = Ops.make(4, 9);

        ColumnSample sample = new ColumnSample(3);
        int s = sample.residual(w, b, a, z, r);
        assertEquals(3, s);
        assertEquals(3.0, sample.scale(9));
        assertEquals(squares(w, b, a, z, 3), ColumnSample.dot(r, r, s), 1e-12);
        for (int i = 3 * 4; i < r.data.length; i++) assertEquals(0, r.data[i], "columns past the sample are left alone");

        ColumnSample whole = new ColumnSample(50);
        s = whole.residual(w, b, a, z, r);
        assertEquals(9, s);
        assertEquals(1.0, whole.scale(9));
        assertEquals(squares(w, b, a, z, 9), ColumnSample.dot(r, r, s), 1e-12);
    }
}
