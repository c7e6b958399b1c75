package io.nograd.nn;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.structure.Structure2D;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The one seam for level-3 products: C ← α·op(A)·op(B) + β·C on column-major {@link R064Store}s.
 * <p>
 * Two implementations: {@link NativeGemm}, which hands the stores' {@code data} arrays to the system BLAS
 * (OpenBLAS through {@code dev.ludovic.netlib}'s JNI binding), and {@link OjalgoGemm}, ojalgo's own multiply, much
 * slower (bench/gemm.sh, bench/results/core.md), used when no native BLAS loads. The choice is made once, at class
 * load, and logged; {@code -Dnograd.blas=java} forces the ojalgo path (the tests run both).
 * <p>
 * The lifted solvers keep their variables in float64: ojalgo's decompositions (Cholesky, SVD) and their
 * least-squares steps need it. The float32 product (sgemm, of higher throughput than dgemm: {@code bench/gemm.sh})
 * serves the gradient baselines, which train in float32 by default as PyTorch does, and, through
 * {@link Float32Gemm}, the large products of the lifted solvers that choose it.
 */
public interface Gemm {

    void gemm(boolean transA, boolean transB, double alpha, R064Store a, R064Store b, double beta, R064Store c);

    /** The same product in float32. */
    void gemm(boolean transA, boolean transB, float alpha, R032Store a, R032Store b, float beta, R032Store c);

    /**
     * The float32 product on plain column-major arrays from the given offsets: C (m × n, from cOff) ← α·op(A)·op(B)
     * + β·C, with op(A) m × k and op(B) k × n, each array's leading dimension the row count of the matrix as stored.
     * For products on a column block of a larger float32 store (a lifted solver's z, a, or the dataset) without
     * copying it out. This default copies through {@link R032Store}s (the ojalgo fallback); the native one does not.
     */
    default void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                      float[] b, int bOff, float beta, float[] c, int cOff) {
        R032Store a32 = R032Store.FACTORY.make(transA ? k : m, transA ? m : k);
        R032Store b32 = R032Store.FACTORY.make(transB ? n : k, transB ? k : n);
        R032Store c32 = R032Store.FACTORY.make(m, n);
        System.arraycopy(a, aOff, a32.data, 0, a32.data.length);
        System.arraycopy(b, bOff, b32.data, 0, b32.data.length);
        System.arraycopy(c, cOff, c32.data, 0, c32.data.length);
        gemm(transA, transB, alpha, a32, b32, beta, c32);
        System.arraycopy(c32.data, 0, c, cOff, c32.data.length);
    }

    /** The Gram matrix C ← α·AᵀA ({@code trans}) or α·AAᵀ in float32, both triangles written. */
    default void gram(boolean trans, float alpha, R032Store a, R032Store c) {
        gemm(trans, !trans, alpha, a, a, 0f, c);
    }

    /** "native:<implementation class>" or "ojalgo". */
    String name();

    /** C ← op(A)·op(B). */
    default void multiply(boolean transA, boolean transB, R064Store a, R064Store b, R064Store c) {
        gemm(transA, transB, 1, a, b, 0, c);
    }

    /**
     * The Gram matrix C ← α·AᵀA ({@code trans}) or α·AAᵀ, both triangles written. The native path computes one
     * triangle (dsyrk, half of gemm's multiply-adds) and mirrors it; the ojalgo path is a plain product.
     */
    default void gram(boolean trans, double alpha, R064Store a, R064Store c) {
        gemm(trans, !trans, alpha, a, a, 0, c);
    }

    /**
     * Columns [from, to) of C ← op(A)·B, the others untouched: one column block of a product, so that threads
     * can share one product (e.g. a forward pass) without copying. This default is ojalgo's, on views.
     */
    default void multiplyColumns(boolean transA, R064Store a, R064Store b, R064Store c, int from, int to) {
        int m = (int) c.countRows();
        int k = innerDimension(transA, false, a, b, c);
        c.regionByOffsets(0, from).regionByLimits(m, to - from)
                .fillByMultiplying(transA ? a.transpose() : a, b.offsets(0, from).limits(k, to - from));
    }

    static Gemm get() {
        return Holder.INSTANCE;
    }

    final class Holder {
        private static final Logger LOG = LoggerFactory.getLogger(Gemm.class);
        static final Gemm INSTANCE = choose();

        private Holder() {
        }

        private static Gemm choose() {
            if ("java".equalsIgnoreCase(System.getProperty("nograd.blas"))) {
                LOG.warn("Gemm: ojalgo (forced by -Dnograd.blas=java)");
                return new OjalgoGemm();
            }
            try {
                BLAS blas = BLAS.getInstance();
                String impl = blas.getClass().getSimpleName();
                if (impl.startsWith("JNI")) {
                    LOG.info("Gemm: native BLAS ({}) through dev.ludovic.netlib", impl);
                    return new NativeGemm(blas);
                }
                LOG.warn("Gemm: no native BLAS could be loaded (got {}); level-3 products fall back to ojalgo, "
                        + "about 10x slower. Install it with: apt-get install libopenblas0-pthread", impl);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("Gemm: native BLAS failed to load ({}); falling back to ojalgo", e.toString());
            }
            return new OjalgoGemm();
        }
    }

    /** The system BLAS's dgemm on the stores' column-major arrays (leading dimension = rows). */
    final class NativeGemm implements Gemm {
        private final BLAS blas;

        public NativeGemm(BLAS blas) {
            this.blas = blas;
        }

        @Override
        public void gemm(boolean transA, boolean transB, double alpha, R064Store a, R064Store b, double beta, R064Store c) {
            int k = innerDimension(transA, transB, a, b, c);
            int m = (int) c.countRows();
            blas.dgemm(transA ? "T" : "N", transB ? "T" : "N", m, (int) c.countColumns(), k, alpha,
                    a.data, Math.max(1, (int) a.countRows()), b.data, Math.max(1, (int) b.countRows()),
                    beta, c.data, Math.max(1, m));
        }

        @Override
        public void gemm(boolean transA, boolean transB, float alpha, R032Store a, R032Store b, float beta, R032Store c) {
            int k = innerDimension(transA, transB, a, b, c);
            int m = (int) c.countRows();
            blas.sgemm(transA ? "T" : "N", transB ? "T" : "N", m, (int) c.countColumns(), k, alpha,
                    a.data, Math.max(1, (int) a.countRows()), b.data, Math.max(1, (int) b.countRows()),
                    beta, c.data, Math.max(1, m));
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                         float[] b, int bOff, float beta, float[] c, int cOff) {
            blas.sgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, a, aOff, Math.max(1, transA ? k : m),
                    b, bOff, Math.max(1, transB ? n : k), beta, c, cOff, Math.max(1, m));
        }

        @Override
        public void multiplyColumns(boolean transA, R064Store a, R064Store b, R064Store c, int from, int to) {
            int m = (int) c.countRows();
            int k = innerDimension(transA, false, a, b, c);
            if (to <= from) return;
            int ldb = Math.max(1, (int) b.countRows());
            blas.dgemm(transA ? "T" : "N", "N", m, to - from, k, 1.0, a.data, 0, Math.max(1, (int) a.countRows()),
                    b.data, from * ldb, ldb, 0.0, c.data, from * Math.max(1, m), Math.max(1, m));
        }

        @Override
        public void gram(boolean trans, double alpha, R064Store a, R064Store c) {
            int n = (int) c.countRows();
            int k = innerDimension(trans, !trans, a, a, c);
            blas.dsyrk("L", trans ? "T" : "N", n, k, alpha, a.data, Math.max(1, (int) a.countRows()), 0.0, c.data, Math.max(1, n));
            double[] d = c.data;
            for (int j = 0; j < n; j++) {
                for (int i = j + 1; i < n; i++) d[j + i * n] = d[i + j * n];
            }
        }

        @Override
        public void gram(boolean trans, float alpha, R032Store a, R032Store c) {
            int n = (int) c.countRows();
            int k = innerDimension(trans, !trans, a, a, c);
            blas.ssyrk("L", trans ? "T" : "N", n, k, alpha, a.data, Math.max(1, (int) a.countRows()), 0f, c.data, Math.max(1, n));
            float[] d = c.data;
            for (int j = 0; j < n; j++) {
                for (int i = j + 1; i < n; i++) d[j + i * n] = d[i + j * n];
            }
        }

        @Override
        public String name() {
            return "native:" + blas.getClass().getSimpleName();
        }

        /** The BLAS binding, for the other level-3 routines (dtrsm, dsyrk) that {@link Spd} uses. */
        BLAS blas() {
            return blas;
        }
    }

    /** ojalgo's own multiply: the fallback when no native BLAS loads. */
    final class OjalgoGemm implements Gemm {
        @Override
        public void gemm(boolean transA, boolean transB, double alpha, R064Store a, R064Store b, double beta, R064Store c) {
            innerDimension(transA, transB, a, b, c);
            var left = transA ? a.transpose() : a;
            var right = transB ? b.transpose() : b;
            if (alpha == 1 && beta == 0) {
                c.fillByMultiplying(left, right);
                return;
            }
            R064Store product = R064Store.FACTORY.make(c.countRows(), c.countColumns());
            product.fillByMultiplying(left, right);
            double[] p = product.data;
            double[] d = c.data;
            for (int i = 0; i < p.length; i++) d[i] = alpha * p[i] + (beta == 0 ? 0 : beta * d[i]);
        }

        @Override
        public void gemm(boolean transA, boolean transB, float alpha, R032Store a, R032Store b, float beta, R032Store c) {
            innerDimension(transA, transB, a, b, c);
            R032Store product = R032Store.FACTORY.make(c.countRows(), c.countColumns());
            product.fillByMultiplying(transA ? a.transpose() : a, transB ? b.transpose() : b);
            float[] p = product.data;
            float[] d = c.data;
            for (int i = 0; i < p.length; i++) d[i] = alpha * p[i] + (beta == 0 ? 0 : beta * d[i]);
        }

        @Override
        public String name() {
            return "ojalgo";
        }
    }

    /** k of op(A) (m × k) · op(B) (k × n) = C (m × n), after checking that the shapes agree. */
    private static int innerDimension(boolean transA, boolean transB, Structure2D a, Structure2D b, Structure2D c) {
        long m = c.countRows();
        long n = c.countColumns();
        long k = transA ? a.countRows() : a.countColumns();
        long am = transA ? a.countColumns() : a.countRows();
        long bk = transB ? b.countColumns() : b.countRows();
        long bn = transB ? b.countRows() : b.countColumns();
        if (am != m || bk != k || bn != n) {
            throw new IllegalArgumentException("gemm shapes do not agree: op(A) " + am + "x" + k + ", op(B) " + bk + "x" + bn
                    + ", C " + m + "x" + n);
        }
        return (int) k;
    }
}
