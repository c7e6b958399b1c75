package io.nograd.nn;

import org.ojalgo.matrix.store.R064Store;

/** Element-wise and broadcast kernels on the column-major arrays of {@link R064Store}s, allocation-free. */
public final class Ops {

    private Ops() {
    }

    public static R064Store make(int rows, int cols) {
        return R064Store.FACTORY.make(rows, cols);
    }

    public static int rows(R064Store s) { return (int) s.countRows(); }

    public static int cols(R064Store s) { return (int) s.countColumns(); }

    /** z[:, j] += b for every column j. */
    public static void addColumn(R064Store z, R064Store b) {
        addColumn(z, b, 1, 0, cols(z));
    }

    /** z[:, j] += b for the columns j in [from, to). */
    public static void addColumn(R064Store z, R064Store b, int from, int to) {
        addColumn(z, b, 1, from, to);
    }

    /** z[:, j] −= b for every column j. */
    public static void subtractColumn(R064Store z, R064Store b) {
        addColumn(z, b, -1, 0, cols(z));
    }

    /** z[:, j] += s·b with s = ±1, exact: x + (−v) is x − v in IEEE arithmetic. */
    private static void addColumn(R064Store z, R064Store b, double s, int from, int to) {
        int rows = rows(z);
        double[] d = z.data;
        double[] v = b.data;
        for (int j = from; j < to; j++) {
            int off = j * rows;
            for (int i = 0; i < rows; i++) d[off + i] += s * v[i];
        }
    }

    /** e[:, j] ← e[:, j] + (z[:, j] − b) for every column j. */
    public static void addDifferenceColumn(R064Store e, R064Store z, R064Store b) {
        int rows = rows(e);
        double[] ed = e.data;
        double[] zd = z.data;
        double[] bd = b.data;
        for (int off = 0; off < ed.length; off += rows) {
            for (int i = 0; i < rows; i++) ed[off + i] += zd[off + i] - bd[i];
        }
    }

    /** g ← g + c·I for a square g. */
    public static void addDiagonal(R064Store g, double c) {
        int n = rows(g);
        for (int i = 0; i < n; i++) g.data[i * n + i] += c;
    }

    /** tr g for a square g. */
    public static double trace(R064Store g) {
        int n = rows(g);
        double t = 0;
        for (int i = 0; i < n; i++) t += g.data[i * n + i];
        return t;
    }

    /** sum ← sum + Σ_j x[:, j] (row sums added to what sum holds). */
    public static void accumulateRowSums(R064Store x, R064Store sum) {
        int rows = rows(x);
        int cols = cols(x);
        double[] d = x.data;
        double[] s = sum.data;
        for (int j = 0; j < cols; j++) {
            int off = j * rows;
            for (int i = 0; i < rows; i++) s[i] += d[off + i];
        }
    }

    /** b = s · Σ_j g[:, j] (row sums). */
    public static void rowSums(R064Store g, double s, R064Store b) {
        int rows = rows(g);
        double[] v = b.data;
        java.util.Arrays.fill(v, 0, rows, 0);
        accumulateRowSums(g, b);
        if (s != 1) for (int i = 0; i < rows; i++) v[i] *= s;
    }

    /** a[i] ← a[i] · b[i]. */
    public static void multiplyInPlace(R064Store a, R064Store b) {
        double[] x = a.data;
        double[] y = b.data;
        for (int i = 0; i < x.length; i++) x[i] *= y[i];
    }

    /** y ← y + α·x. */
    public static void axpy(double alpha, R064Store x, R064Store y) {
        double[] a = x.data;
        double[] b = y.data;
        for (int i = 0; i < a.length; i++) b[i] += alpha * a[i];
    }

    public static void copy(R064Store from, R064Store to) {
        System.arraycopy(from.data, 0, to.data, 0, from.data.length);
    }

    public static void scale(R064Store x, double s) {
        double[] a = x.data;
        for (int i = 0; i < a.length; i++) a[i] *= s;
    }

    public static double dot(R064Store x, R064Store y) {
        double[] a = x.data;
        double[] b = y.data;
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Frobenius norm. */
    public static double norm(R064Store x) {
        return Math.sqrt(dot(x, x));
    }

    /** ‖a − b‖_F. */
    public static double distance(R064Store a, R064Store b) {
        double[] x = a.data;
        double[] y = b.data;
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** The spectral norm ‖W‖₂, by power iteration on WᵀW (a handful of matrix–vector products). */
    public static double spectralNorm(R064Store w, int iterations) {
        int rows = rows(w);
        int cols = cols(w);
        double[] a = w.data;
        double[] v = new double[cols];
        double[] u = new double[rows];
        java.util.Arrays.fill(v, 1 / Math.sqrt(cols));
        double sigma = 0;
        for (int it = 0; it < iterations; it++) {
            java.util.Arrays.fill(u, 0);
            for (int j = 0; j < cols; j++) {
                double vj = v[j];
                int off = j * rows;
                for (int i = 0; i < rows; i++) u[i] += a[off + i] * vj;
            }
            double nu = 0;
            for (double x : u) nu += x * x;
            nu = Math.sqrt(nu);
            if (nu == 0) return 0;
            for (int j = 0; j < cols; j++) {
                int off = j * rows;
                double s = 0;
                for (int i = 0; i < rows; i++) s += a[off + i] * u[i];
                v[j] = s / nu;
            }
            double nv = 0;
            for (double x : v) nv += x * x;
            nv = Math.sqrt(nv);
            sigma = nv;
            if (nv == 0) return 0;
            for (int j = 0; j < cols; j++) v[j] /= nv;
        }
        return sigma;
    }

    /** Index of the largest entry of column j. */
    public static int argmaxColumn(R064Store x, int j) {
        int rows = rows(x);
        double[] d = x.data;
        int off = j * rows;
        int best = 0;
        for (int i = 1; i < rows; i++) if (d[off + i] > d[off + best]) best = i;
        return best;
    }
}
