package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ojalgo.matrix.store.R064Store;

/** The active Gemm (native, or ojalgo under -Dnograd.blas=java) against a plain triple loop. */
class GemmTest {

    private static double at(R064Store s, boolean trans, int i, int j) {
        return trans ? s.get(j, i) : s.get(i, j);
    }

    @ParameterizedTest(name = "transA={0} transB={1} alpha={2} beta={3}")
    @CsvSource({"false,false,1,0", "true,false,1,0", "false,true,0.5,1", "true,true,-2,0.25"})
    void matchesTheDefinition(boolean transA, boolean transB, double alpha, double beta) {
        int m = 37, n = 23, k = 51;
        R064Store a = transA ? RandomStores.uniform(k, m, 1) : RandomStores.uniform(m, k, 1);
        R064Store b = transB ? RandomStores.uniform(n, k, 2) : RandomStores.uniform(k, n, 2);
        R064Store c = RandomStores.uniform(m, n, 3);
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

    @ParameterizedTest(name = "columns of op(A)·B, transA={0}, both implementations")
    @CsvSource({"false", "true"})
    void multipliesAColumnBlockOnly(boolean transA) {
        int m = 17, n = 12, k = 29;
        R064Store a = transA ? RandomStores.uniform(k, m, 4) : RandomStores.uniform(m, k, 4);
        R064Store b = RandomStores.uniform(k, n, 5);
        R064Store full = Ops.make(m, n);
        Gemm.get().multiply(transA, false, a, b, full);
        for (Gemm g : new Gemm[] {Gemm.get(), new Gemm.OjalgoGemm()}) {
            R064Store c = RandomStores.uniform(m, n, 6);
            R064Store expected = c.copy();
            for (int j = 3; j < 8; j++) for (int i = 0; i < m; i++) expected.set(i, j, full.get(i, j));
            g.multiplyColumns(transA, a, b, c, 3, 8);
            assertEquals(0, Ops.distance(expected, c), 1e-12 * m * n * k, g.name());
        }
    }

    @ParameterizedTest(name = "gram trans={0} float32={1}")
    @CsvSource({"true,false", "false,false", "true,true", "false,true"})
    void gramIsTheProductOfAMatrixWithItsTransposeOnBothTriangles(boolean trans, boolean float32) {
        R064Store a = RandomStores.uniform(41, 29, 7);
        int n = trans ? 29 : 41;
        R064Store expected = Ops.make(n, n);
        R064Store got = RandomStores.uniform(n, n, 8);
        Gemm.get().gemm(trans, !trans, 1.5, a, a, 0, expected);
        Float32Gemm.of(float32, Gemm.get()).gram(trans, 1.5, a, got);
        // float32 (ssyrk on narrowed copies): float32's rounding, not float64's
        assertEquals(0, Ops.distance(expected, got), (float32 ? 1e-5 : 1e-12) * n * n * 41);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) assertEquals(got.get(i, j), got.get(j, i), 0, "symmetric at " + i + "," + j);
        }
    }

    @ParameterizedTest(name = "float32 products of float64 operands, transA={0} transB={1} alpha={2} beta={3}, both implementations")
    @CsvSource({"false,false,1,0", "true,false,1,0", "false,true,0.5,1", "true,true,-2,0.25"})
    void float32ProductsAgreeWithFloat64ToFloat32Rounding(boolean transA, boolean transB, double alpha, double beta) {
        int m = 37, n = 23, k = 51;
        R064Store a = transA ? RandomStores.uniform(k, m, 1) : RandomStores.uniform(m, k, 1);
        R064Store b = transB ? RandomStores.uniform(n, k, 2) : RandomStores.uniform(k, n, 2);
        for (Gemm inner : new Gemm[] {Gemm.get(), new Gemm.OjalgoGemm()}) {
            Gemm f32 = new Float32Gemm(inner);
            R064Store expected = RandomStores.uniform(m, n, 3);
            R064Store c = expected.copy();
            Gemm.get().gemm(transA, transB, alpha, a, b, beta, expected);
            // twice: the second call reuses the float32 buffers
            for (int round = 0; round < 2; round++) {
                R064Store got = round == 0 ? c : RandomStores.uniform(m, n, 3);
                f32.gemm(transA, transB, alpha, a, b, beta, got);
                double err = Ops.distance(expected, got);
                // float32 rounding of the operands and the sums: ~1e-7 relative per entry, not float64's 1e-16
                assertTrue(err < 1e-5 * Math.sqrt(m * n * k) && err > 0, inner.name() + " error " + err);
            }
        }
    }

    /** The values of s rounded to float32, placed in a longer array from {@code off}, with junk before and after. */
    private static float[] embedded(R064Store s, int off) {
        float[] f = new float[off + s.data.length + 5];
        java.util.Arrays.fill(f, 1e30f);
        for (int i = 0; i < s.data.length; i++) f[off + i] = (float) s.data[i];
        return f;
    }

    private static R064Store rounded(R064Store s) {
        R064Store r = s.copy();
        for (int i = 0; i < r.data.length; i++) r.data[i] = (float) r.data[i];
        return r;
    }

    /**
     * The float32 product on arrays from offsets (a column block of a larger store, read in place): the float64
     * product of the same float32 values to float32's rounding, C's block written and nothing around it; and through
     * Float32Gemm with a float64 C, the same bits as its product of float64 operands holding those values.
     */
    @ParameterizedTest(name = "float32 arrays from offsets, transA={0} transB={1} alpha={2} beta={3}, both implementations")
    @CsvSource({"false,false,1,0", "true,false,1,0", "false,true,0.5,1", "true,true,-2,0.25"})
    void float32ProductsOnArraysFromOffsets(boolean transA, boolean transB, float alpha, float beta) {
        int m = 37, n = 23, k = 51;
        R064Store a = rounded(transA ? RandomStores.uniform(k, m, 11) : RandomStores.uniform(m, k, 11));
        R064Store b = rounded(transB ? RandomStores.uniform(n, k, 12) : RandomStores.uniform(k, n, 12));
        R064Store c0 = rounded(RandomStores.uniform(m, n, 13));
        R064Store expected = c0.copy();
        Gemm.get().gemm(transA, transB, alpha, a, b, beta, expected);
        for (Gemm inner : new Gemm[] {Gemm.get(), new Gemm.OjalgoGemm()}) {
            float[] a32 = embedded(a, 7);
            float[] b32 = embedded(b, 3);
            float[] c32 = embedded(c0, 9);
            inner.gemm(transA, transB, m, n, k, alpha, a32, 7, b32, 3, beta, c32, 9);
            double err = 0;
            for (int i = 0; i < m * n; i++) err = Math.max(err, Math.abs(c32[9 + i] - expected.data[i]));
            assertTrue(err < 1e-5 * k, inner.name() + " error " + err);
            for (int i = 0; i < 9; i++) assertEquals(1e30f, c32[i], inner.name() + " wrote before C at " + i);
            for (int i = 9 + m * n; i < c32.length; i++) assertEquals(1e30f, c32[i], inner.name() + " wrote after C at " + i);

            Float32Gemm f32 = new Float32Gemm(inner);
            R064Store viaCopies = c0.copy();
            f32.gemm(transA, transB, alpha, a, b, beta, viaCopies);
            R064Store inPlace = c0.copy();
            f32.gemm(transA, transB, k, alpha, a32, 7, b32, 3, beta, inPlace);
            assertEquals(0, Ops.distance(viaCopies, inPlace), 0, inner.name() + ": float64 C from float32 operands in place");
        }
    }

    @Test
    void float64IsTheGemmItself() {
        assertSame(Gemm.get(), Float32Gemm.of(false, Gemm.get()));
    }
}
