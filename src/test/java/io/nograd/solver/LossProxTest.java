package io.nograd.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Loss;
import io.nograd.nn.Ops;

/** The shared output step of iPDLAM and DLAM: z solves ∇ℓ(y, z) + c(z − v) = 0. */
class LossProxTest {

    private static final int ROWS = 10;
    private static final int COLS = 40;

    /** iPDLAM's regime (c = ρ(1 + δ) ≥ 2) and moderate c: Newton converges within its steps. */
    @Test
    void crossEntropyProxSatisfiesItsOptimalityCondition() {
        for (double c : new double[] {1e-2, 0.05, 1, 2, 20}) {
            for (double scale : new double[] {1, 3}) {
                R064Store[] yvz = solve(c, scale);
                R064Store g = gradient(yvz[0], yvz[1], c, yvz[2]);
                for (int i = 0; i < g.data.length; i++) {
                    assertEquals(0, g.data[i], 1e-6, "gradient at c = " + c + ", |v| ≤ " + scale + ", entry " + i);
                }
            }
        }
    }

    /**
     * DLAM's regime (c = ρ + δ ≈ 1e-3 per sample): the Hessian diag(p) − ppᵀ + cI is nearly singular where the
     * softmax saturates, so the steps end short of the minimiser; each column's objective still falls and its
     * gradient shrinks at least a hundredfold from the start v.
     */
    @Test
    void crossEntropyProxDescendsForSmallC() {
        for (double c : new double[] {1e-4, 1.1e-3}) {
            for (double scale : new double[] {3, 10}) {
                R064Store[] yvz = solve(c, scale);
                R064Store y = yvz[0];
                R064Store v = yvz[1];
                R064Store z = yvz[2];
                R064Store start = gradient(y, v, c, v);
                R064Store end = gradient(y, v, c, z);
                for (int j = 0; j < COLS; j++) {
                    double before = 0;
                    double after = 0;
                    for (int i = j * ROWS; i < (j + 1) * ROWS; i++) {
                        before = Math.max(before, Math.abs(start.data[i]));
                        after = Math.max(after, Math.abs(end.data[i]));
                    }
                    assertTrue(after <= before / 100, "column " + j + " at c = " + c + ": |∇f| " + before + " → " + after);
                    assertTrue(objective(y, v, c, z, j) <= objective(y, v, c, v, j), "objective rose in column " + j);
                }
            }
        }
    }

    private static R064Store[] solve(double c, double scale) {
        R064Store y = Ops.make(ROWS, COLS);
        R064Store v = Ops.make(ROWS, COLS);
        R064Store z = Ops.make(ROWS, COLS);
        fill(y, v, scale, new SplittableRandom(9));
        new LossProx(Loss.CROSS_ENTROPY, ROWS).apply(y, v, c, z);
        return new R064Store[] {y, v, z};
    }

    /** softmax(z) − y + c(z − v). */
    private static R064Store gradient(R064Store y, R064Store v, double c, R064Store z) {
        R064Store g = Ops.make(ROWS, COLS);
        Loss.CROSS_ENTROPY.gradient(z, y, g);
        for (int i = 0; i < g.data.length; i++) g.data[i] += c * (z.data[i] - v.data[i]);
        return g;
    }

    private static double objective(R064Store y, R064Store v, double c, R064Store z, int j) {
        R064Store zj = Ops.make(ROWS, 1);
        R064Store yj = Ops.make(ROWS, 1);
        System.arraycopy(z.data, j * ROWS, zj.data, 0, ROWS);
        System.arraycopy(y.data, j * ROWS, yj.data, 0, ROWS);
        double f = Loss.CROSS_ENTROPY.value(zj, yj);
        for (int i = 0; i < ROWS; i++) {
            double d = z.data[j * ROWS + i] - v.data[j * ROWS + i];
            f += 0.5 * c * d * d;
        }
        return f;
    }

    @Test
    void mseProxIsTheClosedForm() {
        R064Store y = Ops.make(ROWS, COLS);
        R064Store v = Ops.make(ROWS, COLS);
        R064Store z = Ops.make(ROWS, COLS);
        fill(y, v, 5, new SplittableRandom(4));
        double c = 0.3;
        new LossProx(Loss.MSE, ROWS).apply(y, v, c, z);
        for (int i = 0; i < z.data.length; i++) assertEquals(0, z.data[i] - y.data[i] + c * (z.data[i] - v.data[i]), 1e-12);
    }

    /** One-hot columns of y; v uniform in [−scale, scale]. */
    private static void fill(R064Store y, R064Store v, double scale, SplittableRandom rng) {
        for (int j = 0; j < COLS; j++) y.data[j * ROWS + rng.nextInt(ROWS)] = 1;
        for (int i = 0; i < v.data.length; i++) v.data[i] = scale * (2 * rng.nextDouble() - 1);
    }
}
