package io.nograd.nn;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

/**
 * Back-propagation in float32, the gradient baselines' default precision (as PyTorch trains): the steps of
 * {@link Backprop} on float32 copies of the batch and of the network's weights, with sgemm, whose throughput
 * is higher than dgemm's (bench/results/core.md). The network's float64 weights stay the master copy that the optimizer updates
 * and that evaluation and checkpoints read: each run copies them in, and the gradients go out as float64.
 * The loss and its gradient are taken in float64 on the output, which is small (classes × batch).
 * <p>
 * Java has no generics over primitive arrays, so the loop mirrors {@link Backprop}'s rather than sharing it;
 * a test holds the two to the same gradients.
 */
public final class Float32Backprop implements Gradients {

    private final int columns;
    private final R032Store[] weight;
    private final R032Store[] bias;
    /** a[0] is the batch; a[l + 1] = φ_l(z[l]). */
    private final R032Store[] a;
    private final R032Store[] z;
    private final R032Store[] delta;
    private final R032Store[] derivative;
    private final R032Store[] gradW32;
    private final R032Store[] gradB32;
    private final R064Store[] gradW;
    private final R064Store[] gradB;
    private final R064Store output;
    private final R064Store outputDelta;

    public Float32Backprop(int[] sizes, int columns) {
        this.columns = columns;
        int depth = sizes.length - 1;
        weight = new R032Store[depth];
        bias = new R032Store[depth];
        a = new R032Store[depth + 1];
        z = new R032Store[depth];
        delta = new R032Store[depth];
        derivative = new R032Store[depth];
        gradW32 = new R032Store[depth];
        gradB32 = new R032Store[depth];
        gradW = new R064Store[depth];
        gradB = new R064Store[depth];
        a[0] = R032Store.FACTORY.make(sizes[0], columns);
        for (int l = 0; l < depth; l++) {
            weight[l] = R032Store.FACTORY.make(sizes[l + 1], sizes[l]);
            bias[l] = R032Store.FACTORY.make(sizes[l + 1], 1);
            z[l] = R032Store.FACTORY.make(sizes[l + 1], columns);
            a[l + 1] = R032Store.FACTORY.make(sizes[l + 1], columns);
            delta[l] = R032Store.FACTORY.make(sizes[l + 1], columns);
            derivative[l] = R032Store.FACTORY.make(sizes[l + 1], columns);
            gradW32[l] = R032Store.FACTORY.make(sizes[l + 1], sizes[l]);
            gradB32[l] = R032Store.FACTORY.make(sizes[l + 1], 1);
            gradW[l] = Ops.make(sizes[l + 1], sizes[l]);
            gradB[l] = Ops.make(sizes[l + 1], 1);
        }
        output = Ops.make(sizes[depth], columns);
        outputDelta = Ops.make(sizes[depth], columns);
    }

    @Override
    public int columns() { return columns; }

    @Override
    public double run(Network net, Loss loss, R064Store x, R064Store y) {
        Gemm gemm = Gemm.get();
        int depth = net.depth();
        narrow(x.data, a[0].data);
        for (int l = 0; l < depth; l++) {
            narrow(net.weight(l).data, weight[l].data);
            narrow(net.bias(l).data, bias[l].data);
            gemm.gemm(false, false, 1f, weight[l], a[l], 0f, z[l]);
            addColumn(z[l], bias[l]);
            net.activation(l).apply(z[l].data, a[l + 1].data, z[l].data.length);
        }
        widen(a[depth].data, output.data);
        double value = loss.value(output, y);
        int last = depth - 1;
        loss.gradient(output, y, outputDelta);
        narrow(outputDelta.data, delta[last].data);
        float inv = 1f / columns;
        for (int l = last; l >= 0; l--) {
            net.activation(l).derivative(z[l].data, derivative[l].data, z[l].data.length);
            multiplyInPlace(delta[l], derivative[l]);
            gemm.gemm(false, true, inv, delta[l], a[l], 0f, gradW32[l]);
            rowSums(delta[l], inv, gradB32[l]);
            if (l > 0) gemm.gemm(true, false, 1f, weight[l], delta[l], 0f, delta[l - 1]);
            widen(gradW32[l].data, gradW[l].data);
            widen(gradB32[l].data, gradB[l].data);
        }
        return value;
    }

    @Override
    public R064Store gradW(int l) { return gradW[l]; }

    @Override
    public R064Store gradB(int l) { return gradB[l]; }

    private static void narrow(double[] from, float[] to) {
        for (int i = 0; i < to.length; i++) to[i] = (float) from[i];
    }

    private static void widen(float[] from, double[] to) {
        for (int i = 0; i < from.length; i++) to[i] = from[i];
    }

    private static void addColumn(R032Store z, R032Store b) {
        int rows = (int) z.countRows();
        float[] d = z.data;
        float[] v = b.data;
        for (int off = 0; off < d.length; off += rows) {
            for (int i = 0; i < rows; i++) d[off + i] += v[i];
        }
    }

    private static void rowSums(R032Store g, float s, R032Store b) {
        int rows = (int) g.countRows();
        float[] d = g.data;
        float[] v = b.data;
        java.util.Arrays.fill(v, 0f);
        for (int off = 0; off < d.length; off += rows) {
            for (int i = 0; i < rows; i++) v[i] += d[off + i];
        }
        for (int i = 0; i < rows; i++) v[i] *= s;
    }

    private static void multiplyInPlace(R032Store a, R032Store b) {
        float[] x = a.data;
        float[] y = b.data;
        for (int i = 0; i < x.length; i++) x[i] *= y[i];
    }
}
