package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ojalgo.matrix.store.R064Store;

/** The active Gemm (native, or ojalgo under -Dnograd.blas=java) against a plain triple loop. */
class GemmTest {

    private static R064Store random(int rows, int cols, long seed) {
        R064Store m = Ops.make(rows, cols);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < m.data.length; i++) m.data[i] = rng.nextDouble() - 0.5;
        return m;
    }

    private static double at(R064Store s, boolean trans, int i, int j) {
        return trans ? s.get(j, i) : s.get(i, j);
    }

    @ParameterizedTest(name = "transA={0} transB={1} alpha={2} beta={3}")
    @CsvSource({"false,false,1,0", "true,false,1,0", "false,true,0.5,1", "true,true,-2,0.25"})
    void matchesTheDefinition(boolean transA, boolean transB, double alpha, double beta) {
        int m = 37, n = 23, k = 51;
        R064Store a = transA ? random(k, m, 1) : random(m, k, 1);
        R064Store b = transB ? random(n, k, 2) : random(k, n, 2);
        R064Store c = random(m, n, 3);
        R064Store expected = c.copy();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += at(a, transA, i, p) * at(b, transB, p, j);
                expected.set(i, j, alpha * s + beta * c.get(i, j));
            }
        }
        Gemm.get().gemm(transA, transB, alpha, a, b, beta, c);
        assertEquals(0, Ops.distance(expected, c), 1e-12 * m * n * k);
    }

    @ParameterizedTest(name = "shape check {0}")
    @CsvSource({"1", "2"})
    void refusesShapesThatDoNotAgree(int which) {
        R064Store a = Ops.make(3, 4);
        R064Store b = which == 1 ? Ops.make(5, 2) : Ops.make(4, 2);
        R064Store c = which == 1 ? Ops.make(3, 2) : Ops.make(2, 2);
        assertThrows(IllegalArgumentException.class, () -> Gemm.get().multiply(false, false, a, b, c));
    }
}
