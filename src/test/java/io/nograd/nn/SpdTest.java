package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ojalgo.matrix.store.R064Store;

class SpdTest {

    /** A = XᵀX + λI, the ridge Gram matrix every lifted solver factors. */
    private static R064Store gram(int n, double lambda) {
        R064Store x = RandomStores.uniform(3 * n, n, 1);
        R064Store a = Ops.make(n, n);
        Gemm.get().multiply(true, false, x, x, a);
        for (int i = 0; i < n; i++) a.data[i * n + i] += lambda;
        return a;
    }

    @Test
    void solvesFromTheLeftAndTheRight() {
        int n = 60;
        R064Store a = gram(n, 0.5);
        Spd spd = new Spd(n);
        spd.factor(a);

        R064Store b = RandomStores.uniform(n, 7, 2);
        R064Store x = b.copy();
        spd.solveLeft(x);
        R064Store ax = Ops.make(n, 7);
        Gemm.get().multiply(false, false, a, x, ax);
        assertTrue(Ops.distance(ax, b) < 1e-9 * Ops.norm(b), "A·(A⁻¹B) = B");

        R064Store c = RandomStores.uniform(5, n, 3);
        R064Store y = c.copy();
        spd.solveRight(y);
        R064Store ya = Ops.make(5, n);
        Gemm.get().multiply(false, false, y, a, ya);
        assertTrue(Ops.distance(ya, c) < 1e-9 * Ops.norm(c), "(CA⁻¹)·A = C");
    }

    /**
     * The float32 factor and solves on a matrix wider than one block (so that the panel strsm and trailing ssyrk run):
     * residuals at float32's rounding, and the same solution as float64 to that rounding.
     */
    @ParameterizedTest(name = "float32: {0}")
    @ValueSource(booleans = {false, true})
    void solvesInEitherPrecisionAcrossBlocks(boolean float32) {
        int n = 150;
        R064Store a = gram(n, 0.5);
        Spd spd = Spd.of(n, float32);
        spd.factor(a);
        double tol = float32 ? 1e-4 : 1e-10;

        R064Store b = RandomStores.uniform(n, 9, 4);
        R064Store x = b.copy();
        spd.solveLeft(x);
        R064Store ax = Ops.make(n, 9);
        Gemm.get().multiply(false, false, a, x, ax);
        assertTrue(Ops.distance(ax, b) < tol * Ops.norm(b), "A·(A⁻¹B) = B: " + Ops.distance(ax, b) / Ops.norm(b));

        R064Store c = RandomStores.uniform(11, n, 5);
        R064Store y = c.copy();
        spd.solveRight(y);
        R064Store ya = Ops.make(11, n);
        Gemm.get().multiply(false, false, y, a, ya);
        assertTrue(Ops.distance(ya, c) < tol * Ops.norm(c), "(CA⁻¹)·A = C: " + Ops.distance(ya, c) / Ops.norm(c));

        Spd reference = new Spd(n);
        reference.factor(a);
        R064Store exact = b.copy();
        reference.solveLeft(exact);
        assertTrue(Ops.distance(x, exact) < (float32 ? 1e-3 : 1e-8) * Ops.norm(exact), "against float64: " + Ops.distance(x, exact) / Ops.norm(exact));
    }

    @ParameterizedTest(name = "float32: {0}")
    @ValueSource(booleans = {false, true})
    void refusesAnIndefiniteMatrix(boolean float32) {
        R064Store a = Ops.make(2, 2);
        a.data[0] = 1;
        a.data[3] = -1;
        assertThrows(ArithmeticException.class, () -> Spd.of(2, float32).factor(a));
    }
}
