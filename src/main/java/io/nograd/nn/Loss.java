package io.nograd.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Training losses, summed over the columns (samples) of a batch. For {@code cross-entropy} the network's
 * output is the logits and the softmax belongs to the loss; for {@code mse} it is ½‖output − target‖².
 */
public enum Loss {
    MSE("mse"),
    CROSS_ENTROPY("cross-entropy");

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    public String id() { return id; }

    public static Loss of(String id) {
        for (Loss l : values()) if (l.id.equals(id)) return l;
        throw new IllegalArgumentException("unknown loss '" + id + "'; known: mse, cross-entropy");
    }

    /** Σ over the batch's samples of the loss of {@code output} against {@code target} (rows = units, columns = samples). */
    public double value(R064Store output, R064Store target) {
        int rows = (int) output.countRows();
        int cols = (int) output.countColumns();
        double[] o = output.data;
        double[] t = target.data;
        double sum = 0;
        if (this == MSE) {
            for (int i = 0, n = rows * cols; i < n; i++) {
                double d = o[i] - t[i];
                sum += d * d;
            }
            return 0.5 * sum;
        }
        for (int j = 0; j < cols; j++) {
            int off = j * rows;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < rows; i++) max = Math.max(max, o[off + i]);
            double z = 0;
            for (int i = 0; i < rows; i++) z += Math.exp(o[off + i] - max);
            double logZ = max + Math.log(z);
            for (int i = 0; i < rows; i++) {
                double ti = t[off + i];
                if (ti != 0) sum -= ti * (o[off + i] - logZ);
            }
        }
        return sum;
    }

    /** grad = ∂(Σ loss)/∂output: output − target for MSE, softmax(output) − target for cross-entropy. */
    public void gradient(R064Store output, R064Store target, R064Store grad) {
        int rows = (int) output.countRows();
        int cols = (int) output.countColumns();
        double[] o = output.data;
        double[] t = target.data;
        double[] g = grad.data;
        if (this == MSE) {
            for (int i = 0, n = rows * cols; i < n; i++) g[i] = o[i] - t[i];
            return;
        }
        for (int j = 0; j < cols; j++) {
            int off = j * rows;
            softmaxColumn(o, g, off, rows);
            for (int i = 0; i < rows; i++) g[off + i] -= t[off + i];
        }
    }

    /**
     * {@link #value} and, into grad, {@link #gradient} in one pass: the same bits as the two calls, with each
     * softmax exponential taken once (back-propagation needs both every batch).
     */
    public double valueAndGradient(R064Store output, R064Store target, R064Store grad) {
        if (this == MSE) {
            gradient(output, target, grad);
            return value(output, target);
        }
        int rows = (int) output.countRows();
        int cols = (int) output.countColumns();
        double[] o = output.data;
        double[] t = target.data;
        double[] g = grad.data;
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            int off = j * rows;
            double max = max(o, off, rows);
            double z = exponentials(o, g, off, rows, max);
            double logZ = max + Math.log(z);
            for (int i = 0; i < rows; i++) {
                double ti = t[off + i];
                if (ti != 0) sum -= ti * (o[off + i] - logZ);
                g[off + i] = g[off + i] / z - ti;
            }
        }
        return sum;
    }

    /** out[off..off+rows) = softmax(in[off..off+rows)). */
    public static void softmaxColumn(double[] in, double[] out, int off, int rows) {
        double z = exponentials(in, out, off, rows, max(in, off, rows));
        for (int i = 0; i < rows; i++) out[off + i] /= z;
    }

    private static double max(double[] in, int off, int rows) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < rows; i++) max = Math.max(max, in[off + i]);
        return max;
    }

    /** out[off + i] = exp(in[off + i] − max) for i &lt; rows; returns their sum, added in index order. */
    private static double exponentials(double[] in, double[] out, int off, int rows, double max) {
        double z = 0;
        for (int i = 0; i < rows; i++) {
            double e = Math.exp(in[off + i] - max);
            out[off + i] = e;
            z += e;
        }
        return z;
    }
}
