package io.nograd.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Preallocated buffers for the forward pass of one network on batches of a fixed number of columns:
 * {@code z(l)} = W_l·a(l) + b_l and {@code a(l+1)} = φ_l(z(l)), with a(0) the input. Reused batch after
 * batch, so the hot loop allocates nothing.
 */
public final class ForwardPass {

    private final int columns;
    private final R064Store[] z;
    private final R064Store[] a;

    public ForwardPass(int[] sizes, int columns) {
        this.columns = columns;
        int depth = sizes.length - 1;
        z = new R064Store[depth];
        a = new R064Store[depth + 1];
        for (int l = 0; l < depth; l++) {
            z[l] = Ops.make(sizes[l + 1], columns);
            a[l + 1] = Ops.make(sizes[l + 1], columns);
        }
    }

    public int columns() { return columns; }

    /** Runs the network on x (inputs × columns); returns the output activation a(depth). */
    public R064Store run(Network net, R064Store x) {
        Gemm gemm = Gemm.get();
        a[0] = x;
        for (int l = 0; l < net.depth(); l++) {
            gemm.multiply(false, false, net.weight(l), a[l], z[l]);
            Ops.addColumn(z[l], net.bias(l));
            double[] zd = z[l].data;
            net.activation(l).apply(zd, a[l + 1].data, zd.length);
        }
        return a[net.depth()];
    }

    /** Pre-activation of layer l from the last {@link #run}. */
    public R064Store z(int l) { return z[l]; }

    /** Activation entering layer l (a(0) = the input) from the last {@link #run}. */
    public R064Store a(int l) { return a[l]; }

    public R064Store output() { return a[a.length - 1]; }
}
