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
 * An optimizer that trains the float32 copy itself ({@link Weights}, shared by a solver's passes of every
 * batch size) spares the copy-in and reads the float32 gradients ({@link #gradW32}) directly;
 * {@link #gradW} widens on demand.
 * <p>
 * Java has no generics over primitive arrays, so the loop mirrors {@link Backprop}'s rather than sharing it;
 * a test holds the two to the same gradients.
 */
public final class Float32Backprop implements Gradients {

    /**
     * float32 copies of a network's weights and biases. Stale until refreshed from the float64 weights; an
     * optimizer may train them in place ({@link #markCurrent}) and widen them back ({@link #widenInto}).
     */
    public static final class Weights {
        final R032Store[] weight;
        final R032Store[] bias;
        private boolean current;

        public Weights(int[] sizes) {
            int depth = sizes.length - 1;
            weight = new R032Store[depth];
            bias = new R032Store[depth];
            for (int l = 0; l < depth; l++) {
                weight[l] = R032Store.FACTORY.make(sizes[l + 1], sizes[l]);
                bias[l] = R032Store.FACTORY.make(sizes[l + 1], 1);
            }
        }

        /** W_l's float32 copy (column-major), for an optimizer to write beside the float64 one. */
        public float[] weight(int l) { return weight[l].data; }

        public float[] bias(int l) { return bias[l].data; }

        /** The float64 weights may have changed (a new epoch, a restored checkpoint): copy them in before the next pass. */
        public void invalidate() { current = false; }

        /** These copies, not the float64 weights, are the ones being trained: the next pass must not overwrite them. */
        public void markCurrent() { current = true; }

        /** Copies the float32 weights into the network's float64 ones (exactly: every float is a double). */
        public void widenInto(Network net) {
            for (int l = 0; l < weight.length; l++) {
                widen(weight[l].data, net.weight(l).data);
                widen(bias[l].data, net.bias(l).data);
            }
        }

        void refresh(Network net) {
            if (current) return;
            for (int l = 0; l < weight.length; l++) {
                narrow(net.weight(l).data, weight[l].data);
                narrow(net.bias(l).data, bias[l].data);
            }
            current = true;
        }
    }

    private final int columns;
    private final Weights shared;
    /** No caller keeps the copies: refresh them at every run. */
    private final boolean ownCopies;
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

    /** With its own weight copies, refreshed at every run. */
    public Float32Backprop(int[] sizes, int columns) {
        this(sizes, columns, null);
    }

    /** With {@code weights}, which the caller keeps current or invalidates; null for copies of its own. */
    public Float32Backprop(int[] sizes, int columns, Weights weights) {
        this.columns = columns;
        int depth = sizes.length - 1;
        this.ownCopies = weights == null;
        this.shared = ownCopies ? new Weights(sizes) : weights;
        weight = shared.weight;
        bias = shared.bias;
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
        if (ownCopies) shared.invalidate();
        shared.refresh(net);
        for (int l = 0; l < depth; l++) {
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
            net.activation(l).multiplyByDerivative(z[l].data, delta[l].data, derivative[l].data, z[l].data.length);
            gemm.gemm(false, true, inv, delta[l], a[l], 0f, gradW32[l]);
            rowSums(delta[l], inv, gradB32[l]);
            if (l > 0) gemm.gemm(true, false, 1f, weight[l], delta[l], 0f, delta[l - 1]);
        }
        return value;
    }

    /** The gradient of W_l in float32, as the last run left it. */
    public float[] gradW32(int l) { return gradW32[l].data; }

    public float[] gradB32(int l) { return gradB32[l].data; }

    @Override
    public R064Store gradW(int l) {
        widen(gradW32[l].data, gradW[l].data);
        return gradW[l];
    }

    @Override
    public R064Store gradB(int l) {
        widen(gradB32[l].data, gradB[l].data);
        return gradB[l];
    }

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
}
