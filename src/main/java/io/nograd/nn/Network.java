package io.nograd.nn;

import java.util.SplittableRandom;

import org.ojalgo.matrix.store.R064Store;

/**
 * A fully-connected network: {@code depth()} dense layers, layer l maps sizes[l] units to sizes[l+1] by
 * W_l (sizes[l+1] × sizes[l]) and b_l, then an activation: the hidden φ for every layer but the last, the
 * output activation for the last (identity for cross-entropy, whose softmax lives in the loss).
 * Samples are columns.
 */
public final class Network {

    private final int[] sizes;
    private final R064Store[] weights;
    private final R064Store[] biases;
    private final Activation hidden;
    private final Activation output;

    public Network(int[] sizes, Activation hidden, Activation output) {
        if (sizes.length < 2) throw new IllegalArgumentException("a network needs at least an input and an output layer");
        this.sizes = sizes.clone();
        this.hidden = hidden;
        this.output = output;
        int depth = sizes.length - 1;
        weights = new R064Store[depth];
        biases = new R064Store[depth];
        for (int l = 0; l < depth; l++) {
            weights[l] = R064Store.FACTORY.make(sizes[l + 1], sizes[l]);
            biases[l] = R064Store.FACTORY.make(sizes[l + 1], 1);
        }
    }

    /** A network initialised by {@code init} from {@code seed}: the same seed gives the same weights. */
    public static Network create(int[] sizes, Activation hidden, Activation output, Init init, long seed) {
        Network net = new Network(sizes, hidden, output);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l < net.depth(); l++) {
            init.fill(net.weights[l].data, sizes[l + 1], sizes[l], rng);
            java.util.Arrays.fill(net.biases[l].data, init.bias());
        }
        return net;
    }

    public int depth() { return weights.length; }

    public int[] sizes() { return sizes.clone(); }

    public int size(int layer) { return sizes[layer]; }

    public int inputs() { return sizes[0]; }

    public int outputs() { return sizes[sizes.length - 1]; }

    /** W_l, sizes[l+1] × sizes[l]. Solvers update it in place. */
    public R064Store weight(int l) { return weights[l]; }

    /** b_l, sizes[l+1] × 1. */
    public R064Store bias(int l) { return biases[l]; }

    public Activation hiddenActivation() { return hidden; }

    public Activation outputActivation() { return output; }

    /** The activation applied after layer l. */
    public Activation activation(int l) { return l == depth() - 1 ? output : hidden; }

    /** Number of trainable parameters. */
    public long parameterCount() {
        long n = 0;
        for (int l = 0; l < depth(); l++) n += (long) sizes[l + 1] * (sizes[l] + 1);
        return n;
    }

    /** Copies every weight and bias of {@code other} (same shape) into this network. */
    public void copyFrom(Network other) {
        for (int l = 0; l < depth(); l++) {
            System.arraycopy(other.weights[l].data, 0, weights[l].data, 0, weights[l].data.length);
            System.arraycopy(other.biases[l].data, 0, biases[l].data, 0, biases[l].data.length);
        }
    }

    public Network copy() {
        Network n = new Network(sizes, hidden, output);
        n.copyFrom(this);
        return n;
    }

    /** True when every weight and bias is finite. */
    public boolean isFinite() {
        for (int l = 0; l < depth(); l++) {
            for (double v : weights[l].data) if (!Double.isFinite(v)) return false;
            for (double v : biases[l].data) if (!Double.isFinite(v)) return false;
        }
        return true;
    }
}
