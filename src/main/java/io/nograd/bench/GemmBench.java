package io.nograd.bench;

import java.util.Locale;
import java.util.SplittableRandom;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Gemm;
import io.nograd.nn.Ops;

/**
 * GFLOP/s of C = op(A)·op(B) at the shapes nograd's jobs use, through the active {@link Gemm} and through
 * ojalgo's own multiply, and the active Gemm's float32 product (sgemm natively). Prints one line per shape.
 * Run by bench/gemm.sh, which sets the same shapes against OpenBLAS called directly (NumPy).
 */
public final class GemmBench {

    /** m, n, k, transA, transB: forward (W·X), weight gradient (Δ·Xᵀ), back-propagated error (Wᵀ·Δ), wide layers. */
    static final int[][] SHAPES = {
            {500, 100, 784, 0, 0},
            {500, 784, 100, 0, 1},
            {784, 100, 500, 1, 0},
            {1500, 512, 1500, 0, 0},
            {2048, 100, 2048, 0, 0},
            {2000, 2000, 2000, 0, 0}};

    /**
     * The lifted solvers' products with float64 operands (m, n, k, transA, transB): SIBP's C·K and W update at batch
     * 100, ADMM's forward, ridge and slack products at batch 3000, iPDLAM's at batch 512, and the output layer's.
     */
    static final int[][] LIFTED = {
            {500, 100, 100, 0, 0},
            {500, 784, 100, 0, 1},
            {500, 3000, 784, 0, 0},
            {600, 500, 3000, 0, 1},
            {500, 3000, 600, 1, 0},
            {10, 3000, 600, 0, 0},
            {1500, 512, 1500, 0, 0},
            {1500, 1500, 512, 0, 1}};

    private GemmBench() {
    }

    public static void main(String[] args) {
        Gemm active = Gemm.get();
        Gemm ojalgo = new Gemm.OjalgoGemm();
        System.out.println("# gemm " + active.name() + ", float64, GFLOP/s (best of several runs)");
        System.out.println("    m     n     k  tA tB   active   ojalgo  sgemm32");
        for (int[] s : SHAPES) {
            System.out.printf(Locale.ROOT, "%5d %5d %5d  %d  %d  %7.1f  %7.1f  %7.1f%n", s[0], s[1], s[2], s[3], s[4],
                    gflops(active, s), gflops(ojalgo, s), sgemm(active, s, 2.0 * s[0] * s[1] * s[2]));
        }
        // float64 operands, float64 result: dgemm, and Float32Gemm (narrow, sgemm, widen) with the copies counted
        Gemm mixed = new Float32Gemm(active);
        System.out.println("# float64 operands: dgemm vs Float32Gemm (copies included), GFLOP/s");
        System.out.println("    m     n     k  tA tB    dgemm  float32   ratio");
        for (int[] s : LIFTED) {
            double d = gflops(active, s);
            double f = gflops(mixed, s);
            System.out.printf(Locale.ROOT, "%5d %5d %5d  %d  %d  %7.1f  %7.1f  %6.2f%n", s[0], s[1], s[2], s[3], s[4], d, f, f / d);
        }
    }

    /** GFLOP/s of the float64 product of shape {@code s} (m, n, k, transA, transB) on random operands. */
    private static double gflops(Gemm g, int[] s) {
        boolean ta = s[3] == 1;
        boolean tb = s[4] == 1;
        R064Store a = random(ta ? s[2] : s[0], ta ? s[0] : s[2]);
        R064Store b = random(tb ? s[1] : s[2], tb ? s[2] : s[1]);
        R064Store c = Ops.make(s[0], s[1]);
        double flops = 2.0 * s[0] * s[1] * s[2];
        int reps = (int) Math.max(3, Math.min(200, 2e9 / flops));
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int r = 0; r < reps; r++) g.multiply(ta, tb, a, b, c);
            best = Math.min(best, (System.nanoTime() - t) / 1e9 / reps);
        }
        return flops / best / 1e9;
    }

    /** The same product in float32 through the same seam: what the gradient baselines run by default. */
    private static double sgemm(Gemm g, int[] s, double flops) {
        boolean ta = s[3] == 1;
        boolean tb = s[4] == 1;
        R032Store a = R032Store.FACTORY.copy(random(ta ? s[2] : s[0], ta ? s[0] : s[2]));
        R032Store b = R032Store.FACTORY.copy(random(tb ? s[1] : s[2], tb ? s[2] : s[1]));
        R032Store c = R032Store.FACTORY.make(s[0], s[1]);
        int reps = (int) Math.max(3, Math.min(200, 2e9 / flops));
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int r = 0; r < reps; r++) g.gemm(ta, tb, 1f, a, b, 0f, c);
            best = Math.min(best, (System.nanoTime() - t) / 1e9 / reps);
        }
        return flops / best / 1e9;
    }

    private static R064Store random(int rows, int cols) {
        R064Store m = Ops.make(rows, cols);
        SplittableRandom rng = new SplittableRandom(rows * 31L + cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = rng.nextDouble() - 0.5;
        return m;
    }
}
