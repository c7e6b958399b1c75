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
 * <p>
 * The element-wise work runs in two loops: bias and φ, then φ′ ⊙ δ fused with the bias gradient's row sums. They stay
 * on the calling thread: split over a budget of two ({@link Passes}) they ran slower at 500 × 100 and no faster at
 * 1500 × 512 (bench/results/performance.md §8).
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

        /** The same as a store, for a {@link Descent} that writes the step into the weights. */
        public R032Store weightStore(int l) { return weight[l]; }

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

    /**
     * Where {@link #runOnInput} puts each layer's weight gradient G_l = δ_l·a_lᵀ / columns: C_l ← scale·G_l + keep·C_l,
     * in the product itself (sgemm's α and β). Without one, G_l goes to {@link #gradW32}. Plain SGD names the
     * weights (scale −rate): the step then costs no pass of its own over W. The product runs after δ_{l−1} was
     * taken through W_l, so a target of W_l is safe; the weights must be the caller's ({@link Weights}).
     */
    public interface Descent {
        R032Store target(int l);

        float scale();

        float keep();
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
        narrow(x.data, a[0].data);
        return runOnInput(net, loss, y);
    }

    /**
     * The batch's inputs in float32 (features × columns, column-major), for a caller that copies them straight from
     * float32 storage before {@link #runOnInput}, sparing the float64 copy and its narrowing.
     */
    public float[] input() { return a[0].data; }

    /** {@link #run} on the inputs already in {@link #input()}. */
    public double runOnInput(Network net, Loss loss, R064Store y) {
        return runOnInput(net, loss, y, null);
    }

    /** The same with each weight gradient put where {@code descent} says (null: into {@link #gradW32}). */
    public double runOnInput(Network net, Loss loss, R064Store y, Descent descent) {
        if (descent != null && ownCopies) throw new IllegalStateException("a descent into the weights needs weights the caller keeps");
        Gemm gemm = Gemm.get();
        int depth = net.depth();
        if (ownCopies) shared.invalidate();
        shared.refresh(net);
        for (int l = 0; l < depth; l++) {
            gemm.gemm(false, false, 1f, weight[l], a[l], 0f, z[l]);
            biasAndPhi(z[l], bias[l].data, net.activation(l), a[l + 1].data);
        }
        widen(a[depth].data, output.data);
        int last = depth - 1;
        double value = loss.valueAndGradient(output, y, outputDelta);
        narrow(outputDelta.data, delta[last].data);
        float inv = 1f / columns;
        for (int l = last; l >= 0; l--) {
            derivativeAndRowSums(z[l], net.activation(l), delta[l], derivative[l].data, inv, gradB32[l].data);
            if (l > 0) gemm.gemm(true, false, 1f, weight[l], delta[l], 0f, delta[l - 1]);
            if (descent == null) gemm.gemm(false, true, inv, delta[l], a[l], 0f, gradW32[l]);
            else gemm.gemm(false, true, inv * descent.scale(), delta[l], a[l], descent.keep(), descent.target(l));
        }
        return value;
    }

    /** z ← z + b·1ᵀ, then a = φ(z). */
    private static void biasAndPhi(R032Store z, float[] b, Activation phi, float[] a) {
        float[] d = z.data;
        int rows = (int) z.countRows();
        for (int off = 0; off < d.length; off += rows) {
            for (int i = 0; i < rows; i++) d[off + i] += b[i];
        }
        phi.apply(d, a, 0, d.length);
    }

    /** δ ← δ ⊙ φ′(z) and the bias gradient v = scale·(row sums of δ), column by column. */
    private static void derivativeAndRowSums(R032Store z, Activation phi, R032Store delta, float[] scratch, float scale, float[] v) {
        float[] zd = z.data;
        float[] d = delta.data;
        int rows = (int) z.countRows();
        java.util.Arrays.fill(v, 0f);
        for (int off = 0; off < d.length; off += rows) {
            phi.multiplyByDerivative(zd, d, scratch, off, off + rows);
            for (int i = 0; i < rows; i++) v[i] += d[off + i];
        }
        for (int i = 0; i < rows; i++) v[i] *= scale;
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
}
