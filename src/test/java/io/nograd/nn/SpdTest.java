package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
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

    @Test
    void refusesAnIndefiniteMatrix() {
        R064Store a = Ops.make(2, 2);
        a.data[0] = 1;
        a.data[3] = -1;
        assertThrows(ArithmeticException.class, () -> new Spd(2).factor(a));
    }
}
