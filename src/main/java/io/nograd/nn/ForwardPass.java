package io.nograd.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * The forward pass: {@code z(l)} = W_l·a(l) + b_l·1ᵀ and {@code a(l+1)} = φ(z(l)), with a(0) the input and samples
 * as columns. The static {@link #layer} and {@link #affine} are the one forward step every solver uses (the
 * lifted solvers keep their z, a in their own buffers and may skip or replace φ); an instance holds
 * preallocated buffers for a whole network on batches of a fixed number of columns, reused batch after batch,
 * so the hot loop allocates nothing.
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

    /** z = W_l·in + b_l·1ᵀ: layer l's pre-activation of the samples in the columns of {@code in}. */
    public static void affine(Network net, int l, R064Store in, R064Store z) {
        affine(Gemm.get(), net, l, in, z);
    }

    /** The same with the product through {@code gemm} (a solver's chosen precision). */
    public static void affine(Gemm gemm, Network net, int l, R064Store in, R064Store z) {
        gemm.multiply(false, false, net.weight(l), in, z);
        Ops.addColumn(z, net.bias(l));
    }

    /** z = W_l·in + b_l·1ᵀ, then out = φ(z) unless {@code phi} is null (out may be z). */
    public static void layer(Network net, int l, R064Store in, R064Store z, Activation phi, R064Store out) {
        layer(Gemm.get(), net, l, in, z, phi, out);
    }

    /** The same with the product through {@code gemm}. */
    public static void layer(Gemm gemm, Network net, int l, R064Store in, R064Store z, Activation phi, R064Store out) {
        affine(gemm, net, l, in, z);
        if (phi != null) phi.apply(z.data, out.data, z.data.length);
    }

    /**
     * The same on samples [from, to) only, the other columns untouched: samples are independent, so threads
     * may share one pass by splitting the columns.
     */
    public static void layer(Network net, int l, R064Store in, R064Store z, Activation phi, R064Store out, int from, int to) {
        if (to <= from) return;
        Gemm.get().multiplyColumns(false, net.weight(l), in, z, from, to);
        Ops.addColumn(z, net.bias(l), from, to);
        int rows = Ops.rows(z);
        if (phi != null) phi.apply(z.data, out.data, from * rows, to * rows);
    }

    /**
     * {@link ForwardPass#affine} and {@link ForwardPass#layer} with the bias and φ split by columns over a solver's
     * {@link Passes} (element by element: the same bits as the static forms). One per solver, made once.
     */
    public static final class Threaded {
        private final Passes passes;
        private final Passes.Range body = this::columns;
        private double[] zd;
        private double[] outd;
        private double[] bias;
        private Activation phi;
        private int rows;

        public Threaded(Passes passes) {
            this.passes = passes;
        }

        /** z = W_l·in + b_l·1ᵀ. */
        public void affine(Gemm gemm, Network net, int l, R064Store in, R064Store z) {
            layer(gemm, net, l, in, z, null, z);
        }

        /** z = W_l·in + b_l·1ᵀ, then out = φ(z) unless {@code phi} is null (out may be z). */
        public void layer(Gemm gemm, Network net, int l, R064Store in, R064Store z, Activation phi, R064Store out) {
            gemm.multiply(false, false, net.weight(l), in, z);
            zd = z.data;
            outd = out == null ? null : out.data;
            bias = net.bias(l).data;
            this.phi = phi;
            rows = Ops.rows(z);
            passes.runColumns(Ops.cols(z), rows, body);
            zd = null;
            outd = null;
            bias = null;
            this.phi = null;
        }

        private void columns(int from, int to) {
            double[] d = zd;
            double[] b = bias;
            int n = rows;
            for (int j = from; j < to; j++) {
                int off = j * n;
                for (int i = 0; i < n; i++) d[off + i] += b[i];
            }
            if (phi != null) phi.apply(d, outd, from * n, to * n);
        }
    }

    public int columns() { return columns; }

    /** Runs the network on x (inputs × columns); returns the output activation a(depth). */
    public R064Store run(Network net, R064Store x) {
        return run(Gemm.get(), net, x);
    }

    /** The same with the products through {@code gemm}. */
    public R064Store run(Gemm gemm, Network net, R064Store x) {
        a[0] = x;
        for (int l = 0; l < net.depth(); l++) layer(gemm, net, l, a[l], z[l], net.activation(l), a[l + 1]);
        return a[net.depth()];
    }

    /** Pre-activation of layer l from the last {@link #run}. */
    public R064Store z(int l) { return z[l]; }

    /** Activation entering layer l (a(0) = the input) from the last {@link #run}. */
    public R064Store a(int l) { return a[l]; }

    public R064Store output() { return a[a.length - 1]; }
}
