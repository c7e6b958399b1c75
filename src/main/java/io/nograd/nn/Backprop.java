package io.nograd.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Back-propagation for one batch size: the gradient of the batch-mean loss with respect to every W_l
 * and b_l, into preallocated stores. Used by the gradient baselines and checked against finite
 * differences in the tests.
 */
public final class Backprop {

    private final ForwardPass forward;
    private final R064Store[] delta;
    private final R064Store[] gradW;
    private final R064Store[] gradB;
    private final R064Store[] derivative;

    public Backprop(int[] sizes, int columns) {
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

    public int columns() { return forward.columns(); }

    /**
     * Runs forward and backward on (x, y); afterwards {@link #gradW}/{@link #gradB} hold the gradient of
     * the mean loss over the batch's columns.
     *
     * @return the summed loss of the batch
     */
    public double run(Network net, Loss loss, R064Store x, R064Store y) {
        Gemm gemm = Gemm.get();
        R064Store out = forward.run(net, x);
        double value = loss.value(out, y);
        int last = net.depth() - 1;
        loss.gradient(out, y, delta[last]);
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

    public R064Store gradW(int l) { return gradW[l]; }

    public R064Store gradB(int l) { return gradB[l]; }

    public ForwardPass forward() { return forward; }
}
