package io.nograd.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Back-propagation in float64: the gradient baselines' {@code precision: float64}, and the reference that the
 * tests check against finite differences (and {@link Float32Backprop} against). ProxBP runs it with float32
 * products ({@link Float32Gemm}) on its float64 network.
 */
public final class Backprop implements Gradients {

    private final ForwardPass forward;
    private final R064Store[] delta;
    private final R064Store[] gradW;
    private final R064Store[] gradB;
    private final R064Store[] derivative;
    private final Gemm gemm;

    public Backprop(int[] sizes, int columns) {
        this(sizes, columns, Gemm.get());
    }

    /** The same with every product through {@code gemm}. */
    public Backprop(int[] sizes, int columns, Gemm gemm) {
        this.gemm = gemm;
        forward = new ForwardPass(sizes, columns);
        int depth = sizes.length - 1;
        delta = new R064Store[depth];
        derivative = new R064Store[depth];
        gradW = new R064Store[depth];
        gradB = new R064Store[depth];
        for (int l = 0; l < depth; l++) {
            delta[l] = Ops.make(sizes[l + 1], columns);
            derivative[l] = Ops.make(sizes[l + 1], columns);
            gradW[l] = Ops.make(sizes[l + 1], sizes[l]);
            gradB[l] = Ops.make(sizes[l + 1], 1);
        }
    }

    @Override
    public int columns() { return forward.columns(); }

    @Override
    public double run(Network net, Loss loss, R064Store x, R064Store y) {
        R064Store out = forward.run(gemm, net, x);
        int last = net.depth() - 1;
        double value = loss.valueAndGradient(out, y, delta[last]);
        double inv = 1.0 / columns();
        for (int l = last; l >= 0; l--) {
            R064Store z = forward.z(l);
            net.activation(l).derivative(z.data, derivative[l].data, z.data.length);
            Ops.multiplyInPlace(delta[l], derivative[l]);
            gemm.gemm(false, true, inv, delta[l], forward.a(l), 0, gradW[l]);
            Ops.rowSums(delta[l], inv, gradB[l]);
            if (l > 0) gemm.multiply(true, false, net.weight(l), delta[l], delta[l - 1]);
        }
        return value;
    }

    @Override
    public R064Store gradW(int l) { return gradW[l]; }

    /** ∂(Σ loss)/∂z_l of the last {@link #run}, through the weights it ran with (columns = samples). */
    public R064Store delta(int l) { return delta[l]; }

    /** The input a_l of layer l in the last {@link #run} (a_0 = the batch). */
    public R064Store input(int l) { return forward.a(l); }

    @Override
    public R064Store gradB(int l) { return gradB[l]; }
}
