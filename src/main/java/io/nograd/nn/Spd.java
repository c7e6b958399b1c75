package io.nograd.nn;

import org.ojalgo.matrix.decomposition.Cholesky;
import org.ojalgo.matrix.store.R064Store;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Solves with one symmetric positive-definite n × n matrix A by its Cholesky factor A = L·Lᵀ, factored once
 * and reused for any number of right-hand sides: the ridge regressions and Gram-matrix solves of the
 * lifted solvers. No explicit inverse is ever formed.
 * <p>
 * With native BLAS the factor is a blocked right-looking Cholesky whose panel and trailing updates are
 * BLAS-3 ({@code dtrsm}, {@code dsyrk}) and the solves are two {@code dtrsm}, much faster than ojalgo's own
 * Cholesky (bench/results/core.md), which remains the path when no native BLAS loads.
 */
public final class Spd {

    private static final int BLOCK = 64;

    private final int n;
    private final BLAS blas;
    /** L in the lower triangle, column-major n × n, padded by one column: netlib checks offsets as if every column were full. */
    private final double[] factor;
    /** With {@link #of}(n, true) and native BLAS: L in float32 instead, and the right-hand sides' float32 copy. */
    private final float[] factor32;
    /** The diagonal block that {@link #factor32} factors in float64, kept so that a factor allocates nothing. */
    private final double[] block32;
    private float[] work32;
    private final Cholesky<Double> cholesky;
    private R064Store transposed;

    public Spd(int n) {
        this(n, false);
    }

    private Spd(int n, boolean float32) {
        this.n = n;
        this.blas = Gemm.get() instanceof Gemm.NativeGemm g ? g.blas() : null;
        this.factor = blas != null && !float32 ? new double[n * n + n] : null;
        this.factor32 = blas != null && float32 ? new float[n * n + n] : null;
        this.block32 = factor32 != null ? new double[BLOCK * BLOCK] : null;
        this.cholesky = blas != null ? null : Cholesky.R064.make(n, n);
    }

    /**
     * An Spd whose factor and solves run in float32 when {@code float32} (strsm, ssyrk: faster than their float64
     * forms as sgemm is than dgemm), on float64 A and B narrowed on the way in and widened on the way out: for a
     * lifted solver's large systems kept away from singular by a ridge, whose matrices its float32 products already
     * round that much. Without native BLAS it is the float64 ojalgo path.
     */
    public static Spd of(int n, boolean float32) {
        return new Spd(n, float32);
    }

    public int size() { return n; }

    /**
     * Bytes an {@code Spd} of size n holds once it has factored: LAPACK's packed factor with native BLAS;
     * ojalgo's decomposition (bounded by two n × n arrays) on the fallback.
     */
    public static long bytes(int n) {
        long square = (long) n * n;
        return Gemm.get() instanceof Gemm.NativeGemm ? 8 * (square + n) : 16 * square;
    }

    /** The same for {@link #of}(n, float32) solving with {@code rhs} right-hand sides at most (its float32 copy). */
    public static long bytes(int n, boolean float32, int rhs) {
        return float32 && Gemm.get() instanceof Gemm.NativeGemm ? 4 * ((long) n * n + n + (long) n * rhs) + 8L * BLOCK * BLOCK : bytes(n);
    }

    /**
     * Factors A (n × n, symmetric positive definite; only its lower triangle is read, A is not modified).
     *
     * @throws ArithmeticException when A is not positive definite (add a ridge term)
     */
    public void factor(R064Store a) {
        if (Ops.rows(a) != n || Ops.cols(a) != n) throw new IllegalArgumentException("expected " + n + "x" + n + ", got " + Ops.rows(a) + "x" + Ops.cols(a));
        if (blas == null) {
            if (!cholesky.decompose(a) || !cholesky.isSPD()) throw notPositiveDefinite();
            return;
        }
        if (factor32 != null) {
            factor32(a);
            return;
        }
        double[] l = factor;
        System.arraycopy(a.data, 0, l, 0, n * n);
        for (int k = 0; k < n; k += BLOCK) {
            int kb = Math.min(BLOCK, n - k);
            factorDiagonalBlock(l, n, k, kb);
            int below = n - k - kb;
            if (below > 0) {
                // panel: L[k+kb:, k:k+kb] = A[k+kb:, k:k+kb] · L_kk⁻ᵀ
                blas.dtrsm("R", "L", "T", "N", below, kb, 1.0, l, k * n + k, n, l, k * n + k + kb, n);
                // trailing: A[k+kb:, k+kb:] -= panel · panelᵀ (lower triangle)
                blas.dsyrk("L", "N", below, kb, -1.0, l, k * n + k + kb, n, 1.0, l, (k + kb) * n + k + kb, n);
            }
        }
    }

    /** The same blocked factor in float32; each diagonal block is factored in float64 and rounded. */
    private void factor32(R064Store a) {
        float[] l = factor32;
        double[] from = a.data;
        for (int i = 0; i < n * n; i++) l[i] = (float) from[i];
        double[] block = block32;
        for (int k = 0; k < n; k += BLOCK) {
            int kb = Math.min(BLOCK, n - k);
            for (int j = 0; j < kb; j++) {
                for (int i = j; i < kb; i++) block[j * BLOCK + i] = l[(k + j) * n + k + i];
            }
            factorDiagonalBlock(block, BLOCK, 0, kb);
            for (int j = 0; j < kb; j++) {
                for (int i = j; i < kb; i++) l[(k + j) * n + k + i] = (float) block[j * BLOCK + i];
            }
            int below = n - k - kb;
            if (below > 0) {
                blas.strsm("R", "L", "T", "N", below, kb, 1f, l, k * n + k, n, l, k * n + k + kb, n);
                blas.ssyrk("L", "N", below, kb, -1f, l, k * n + k + kb, n, 1f, l, (k + kb) * n + k + kb, n);
            }
        }
    }

    /** Unblocked Cholesky of the kb × kb diagonal block at (k, k) of column-major l (leading dimension ld), in place, lower triangle. */
    private static void factorDiagonalBlock(double[] l, int ld, int k, int kb) {
        for (int j = k; j < k + kb; j++) {
            int cj = j * ld;
            double d = l[cj + j];
            for (int p = k; p < j; p++) d -= l[p * ld + j] * l[p * ld + j];
            if (!(d > 0)) throw notPositiveDefinite();
            d = Math.sqrt(d);
            l[cj + j] = d;
            for (int i = j + 1; i < k + kb; i++) {
                double s = l[cj + i];
                for (int p = k; p < j; p++) s -= l[p * ld + i] * l[p * ld + j];
                l[cj + i] = s / d;
            }
        }
    }

    /** B's float32 copy in {@link #work32}, grown to fit. */
    private float[] narrow(R064Store b) {
        double[] from = b.data;
        if (work32 == null || work32.length < from.length) work32 = new float[from.length];
        float[] to = work32;
        for (int i = 0; i < from.length; i++) to[i] = (float) from[i];
        return to;
    }

    private void widen(R064Store b) {
        double[] to = b.data;
        float[] from = work32;
        for (int i = 0; i < to.length; i++) to[i] = from[i];
    }

    private static ArithmeticException notPositiveDefinite() {
        return new ArithmeticException("matrix is not positive definite; increase the ridge/regularisation term");
    }

    /** B (n × k) ← A⁻¹·B, in place. */
    public void solveLeft(R064Store b) {
        if (Ops.rows(b) != n) throw new IllegalArgumentException("right-hand side has " + Ops.rows(b) + " rows, expected " + n);
        if (blas == null) {
            cholesky.getSolution(b, b);
            return;
        }
        int k = Ops.cols(b);
        if (factor32 != null) {
            float[] x = narrow(b);
            blas.strsm("L", "L", "N", "N", n, k, 1f, factor32, 0, n, x, 0, n);
            blas.strsm("L", "L", "T", "N", n, k, 1f, factor32, 0, n, x, 0, n);
            widen(b);
            return;
        }
        blas.dtrsm("L", "L", "N", "N", n, k, 1.0, factor, 0, n, b.data, 0, n);
        blas.dtrsm("L", "L", "T", "N", n, k, 1.0, factor, 0, n, b.data, 0, n);
    }

    /** B (k × n) ← B·A⁻¹, in place. */
    public void solveRight(R064Store b) {
        int k = Ops.rows(b);
        if (Ops.cols(b) != n) throw new IllegalArgumentException("right-hand side has " + Ops.cols(b) + " columns, expected " + n);
        if (blas == null) {
            if (transposed == null || Ops.cols(transposed) != k) transposed = Ops.make(n, k);
            transpose(b, transposed);
            cholesky.getSolution(transposed, transposed);
            transpose(transposed, b);
            return;
        }
        // B·L⁻ᵀ·L⁻¹
        if (factor32 != null) {
            float[] x = narrow(b);
            blas.strsm("R", "L", "T", "N", k, n, 1f, factor32, 0, n, x, 0, Math.max(1, k));
            blas.strsm("R", "L", "N", "N", k, n, 1f, factor32, 0, n, x, 0, Math.max(1, k));
            widen(b);
            return;
        }
        blas.dtrsm("R", "L", "T", "N", k, n, 1.0, factor, 0, n, b.data, 0, Math.max(1, k));
        blas.dtrsm("R", "L", "N", "N", k, n, 1.0, factor, 0, n, b.data, 0, Math.max(1, k));
    }

    /** to ← fromᵀ. */
    public static void transpose(R064Store from, R064Store to) {
        int rows = Ops.rows(from);
        int cols = Ops.cols(from);
        double[] f = from.data;
        double[] t = to.data;
        for (int j = 0; j < cols; j++) {
            int off = j * rows;
            for (int i = 0; i < rows; i++) t[i * cols + j] = f[off + i];
        }
    }
}
