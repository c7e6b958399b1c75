package io.nograd.nn;

import java.util.ArrayList;
import java.util.List;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * The float64 products of {@link Gemm} computed in float32: each operand is narrowed into a float32 copy, the
 * product runs through the wrapped Gemm's float32 path (sgemm, or ssyrk for a Gram matrix, natively) and the
 * result is widened into C ← α·product + β·C in float64. For the lifted solvers, whose variables stay float64
 * and whose Cholesky factors and triangular solves ({@link Spd}) stay float64: only the large products lose
 * precision, each entry rounded as a float32 dot product of float32-rounded operands.
 * <p>
 * The copies cost one pass over A, B and C against the product's m·n·k multiply-adds, little unless a dimension is
 * small (bench/gemm.sh compares). The float32 buffers are kept per shape and operand, so a solver's
 * steady state allocates nothing; an instance is not thread-safe (one per solver). The copies run on the solver's
 * {@link Passes} when it gives one (element by element: the same bits for any thread count).
 */
public final class Float32Gemm implements Gemm {

    private final Gemm inner;
    /** Per operand (A, B, C): the float32 buffers of each shape seen, looked up by a scan (a solver has a few shapes). */
    private final List<List<R032Store>> buffers = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());

    private final Passes passes;
    /** The copies' bodies, made once, and what they read. */
    private final Passes.Range widenPass = this::widenRange;
    private float[] widenFrom;
    private double[] widenTo;
    private double widenAlpha;
    private double widenBeta;

    public Float32Gemm(Gemm inner) {
        this(inner, Passes.of(1));
    }

    public Float32Gemm(Gemm inner, Passes passes) {
        this.inner = inner;
        this.passes = passes;
    }

    /** The product precision a solver asked for: {@code inner} itself for float64, else a float32 wrapper of it. */
    public static Gemm of(boolean float32, Gemm inner) {
        return float32 ? new Float32Gemm(inner) : inner;
    }

    /**
     * The bytes of a solver that holds {@code float64Bytes} and, with {@code float32}, runs its products through a
     * Float32Gemm: the buffers add at most one float per element of the float64 stores the products read and write.
     */
    public static long withBuffers(long float64Bytes, boolean float32) {
        return float32 ? float64Bytes + float64Bytes / 2 : float64Bytes;
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, R064Store a, R064Store b, double beta, R064Store c) {
        R032Store a32 = narrow(a, 0);
        R032Store b32 = narrow(b, 1);
        R032Store c32 = buffer(c, 2);
        inner.gemm(transA, transB, 1f, a32, b32, 0f, c32);
        widen(c32, alpha, beta, c);
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, R032Store a, R032Store b, float beta, R032Store c) {
        inner.gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                     float[] b, int bOff, float beta, float[] c, int cOff) {
        inner.gemm(transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff);
    }

    /**
     * C ← α·op(A)·op(B) + β·C with operands already float32 (arrays from offsets, as in {@link Gemm}'s array form;
     * op(A) m × k and op(B) k × n, m × n being C's shape) and C float64: only the result is widened, as
     * {@link #gemm(boolean, boolean, double, R064Store, R064Store, double, R064Store)} widens it, so the two give the
     * same bits for operands that are float32 values. For operands a solver stores in float32 (no copy of them at all).
     */
    public void gemm(boolean transA, boolean transB, int k, double alpha, float[] a, int aOff, float[] b, int bOff,
                     double beta, R064Store c) {
        R032Store c32 = buffer(c, 2);
        inner.gemm(transA, transB, (int) c.countRows(), (int) c.countColumns(), k, 1f, a, aOff, b, bOff, 0f, c32.data, 0);
        widen(c32, alpha, beta, c);
    }

    @Override
    public void gram(boolean trans, double alpha, R064Store a, R064Store c) {
        R032Store c32 = buffer(c, 2);
        inner.gram(trans, 1f, narrow(a, 0), c32);
        widen(c32, alpha, 0, c);
    }

    @Override
    public void gram(boolean trans, float alpha, R032Store a, R032Store c) {
        inner.gram(trans, alpha, a, c);
    }

    /** Columns [from, to) in float64, through the wrapped Gemm: only the reporting samples use this. */
    @Override
    public void multiplyColumns(boolean transA, R064Store a, R064Store b, R064Store c, int from, int to) {
        inner.multiplyColumns(transA, a, b, c, from, to);
    }

    @Override
    public String name() {
        return "float32:" + inner.name();
    }

    private R032Store buffer(R064Store like, int operand) {
        long rows = like.countRows();
        long cols = like.countColumns();
        List<R032Store> list = buffers.get(operand);
        for (int i = 0; i < list.size(); i++) {
            R032Store b = list.get(i);
            if (b.countRows() == rows && b.countColumns() == cols) return b;
        }
        R032Store b = R032Store.FACTORY.make(rows, cols);
        list.add(b);
        return b;
    }

    private R032Store narrow(R064Store from, int operand) {
        R032Store to = buffer(from, operand);
        passes.narrow(from.data, 0, to.data, 0, to.data.length);
        return to;
    }

    private void widen(R032Store from, double alpha, double beta, R064Store to) {
        widenFrom = from.data;
        widenTo = to.data;
        widenAlpha = alpha;
        widenBeta = beta;
        passes.run(widenFrom.length, widenPass);
        widenFrom = null;
        widenTo = null;
    }

    private void widenRange(int from, int to) {
        float[] f = widenFrom;
        double[] t = widenTo;
        double alpha = widenAlpha;
        double beta = widenBeta;
        if (beta == 0) {
            if (alpha == 1) {
                for (int i = from; i < to; i++) t[i] = f[i];
            } else {
                for (int i = from; i < to; i++) t[i] = alpha * f[i];
            }
        } else {
            for (int i = from; i < to; i++) t[i] = alpha * f[i] + beta * t[i];
        }
    }
}
