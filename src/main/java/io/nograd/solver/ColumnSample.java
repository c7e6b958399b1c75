package io.nograd.solver;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Gemm;
import io.nograd.nn.Ops;

/**
 * A fixed sample of a batch's columns for figures that are reported but feed no step (ADMM's Lagrangian,
 * iPDLAM's Φ_ρ): the first {@link #size} columns, whose sums are scaled by m / size to estimate the batch's.
 * Such a figure's constraint term costs a layer product per batch; on the sample it costs that fraction of one.
 * Batches of at most {@code columns} columns are summed whole, so the figure is then exact.
 */
public final class ColumnSample {

    private final int columns;

    public ColumnSample(int columns) {
        this.columns = columns;
    }

    /** The sample's columns in a batch of {@code m}. */
    public int size(int m) {
        return Math.min(m, columns);
    }

    /** m / size: the factor from the sample's sum to the batch's estimate. */
    public double scale(int m) {
        return (double) m / size(m);
    }

    /**
     * The sample's columns of r = z − W·a − b (the other columns of {@code r} are left as they were); returns the
     * number of columns written. {@code r} has z's shape.
     */
    public int residual(R064Store weight, R064Store bias, R064Store a, R064Store z, R064Store r) {
        int s = size(Ops.cols(z));
        Gemm.get().multiplyColumns(false, weight, a, r, 0, s);
        int rows = Ops.rows(z);
        double[] rd = r.data;
        double[] zd = z.data;
        double[] b = bias.data;
        for (int j = 0; j < s; j++) {
            int off = j * rows;
            for (int i = 0; i < rows; i++) rd[off + i] = zd[off + i] - b[i] - rd[off + i];
        }
        return s;
    }

    /** Σ x·y over the first {@code s} columns of two stores of the same shape. */
    public static double dot(R064Store x, R064Store y, int s) {
        double[] a = x.data;
        double[] b = y.data;
        int n = s * Ops.rows(x);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += a[i] * b[i];
        return sum;
    }
}
