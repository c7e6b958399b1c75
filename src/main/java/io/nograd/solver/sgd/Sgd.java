package io.nograd.solver.sgd;

import org.ojalgo.matrix.store.R032Store;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Float32Backprop;
import io.nograd.nn.Loss;
import io.nograd.solver.SolverState;

/**
 * Stochastic gradient descent with heavy-ball momentum and weight decay, as PyTorch's {@code SGD}:
 * v ← μ·v + (g + λ·θ); θ ← θ − lr·v. The {@code step} schedule is the LPOM paper's baseline: the rate
 * is multiplied by 0.1 after half and again after three quarters of the epochs.
 */
final class Sgd extends GradientSolver {

    private final SgdParams p;
    private final double[][] velocity;
    private final float[][] velocity32;
    private double rate;

    /** The weights' velocity when the product writes it ({@link #descent}); the biases' stays in velocity32. */
    private final R032Store[] velocityStore;
    /** The float32 weights the last {@link #descent} named. */
    private Float32Backprop.Weights weights;

    private final int[] layers;

    Sgd(Loss loss, SgdParams p, int[] layers) {
        super(loss, p.precision());
        this.p = p;
        this.layers = layers;
        int tensors = 2 * (layers.length - 1);
        this.velocity = new double[tensors][];
        this.velocity32 = new float[tensors][];
        this.velocityStore = new R032Store[tensors];
    }

    @Override
    void startEpoch(int epoch, int epochs) {
        rate = p.lr();
        if (p.schedule() == SgdParams.Schedule.STEP) {
            if (epoch > epochs / 2) rate *= 0.1;
            if (epoch > (3 * epochs) / 4) rate *= 0.1;
        }
    }

    @Override
    void update(int index, R064Store param, R064Store grad) {
        double[] w = param.data;
        double[] g = grad.data;
        if (p.momentum() == 0) {
            for (int i = 0; i < w.length; i++) w[i] -= rate * (g[i] + p.weightDecay() * w[i]);
            return;
        }
        if (velocity[index] == null) velocity[index] = new double[w.length];
        double[] v = velocity[index];
        for (int i = 0; i < w.length; i++) {
            v[i] = p.momentum() * v[i] + g[i] + p.weightDecay() * w[i];
            w[i] -= rate * v[i];
        }
    }

    /**
     * The weights' float32 step in the gradient's product: without momentum W ← (1 − rate·λ)·W − rate·G, with momentum
     * v ← μ·v + G, then {@link #descended} adds λ·W to v and steps W. Either spares a pass that reads G.
     */
    @Override
    Float32Backprop.Descent descent(Float32Backprop.Weights weights) {
        this.weights = weights;
        return descent;
    }

    private final Float32Backprop.Descent descent = new Float32Backprop.Descent() {
        @Override
        public R032Store target(int l) {
            if (p.momentum() == 0) return weights.weightStore(l);
            R032Store w = weights.weightStore(l);
            if (velocityStore[2 * l] == null) velocityStore[2 * l] = R032Store.FACTORY.make(w.countRows(), w.countColumns());
            return velocityStore[2 * l];
        }

        @Override
        public float scale() {
            return p.momentum() == 0 ? -(float) rate : 1f;
        }

        @Override
        public float keep() {
            return p.momentum() == 0 ? 1f - (float) rate * (float) p.weightDecay() : (float) p.momentum();
        }
    };

    @Override
    void descended(int index, float[] w) {
        if (p.momentum() == 0) return;
        float decay = (float) p.weightDecay();
        float lr = (float) rate;
        float[] v = velocityStore[index].data;
        for (int i = 0; i < w.length; i++) {
            float vi = v[i] + decay * w[i];
            v[i] = vi;
            w[i] -= lr * vi;
        }
    }

    @Override
    void update(int index, float[] g, float[] w) {
        float decay = (float) p.weightDecay();
        float momentum = (float) p.momentum();
        float lr = (float) rate;
        if (momentum == 0) {
            for (int i = 0; i < w.length; i++) w[i] -= lr * (g[i] + decay * w[i]);
            return;
        }
        if (velocity32[index] == null) velocity32[index] = new float[w.length];
        float[] v = velocity32[index];
        for (int i = 0; i < w.length; i++) {
            float vi = momentum * v[i] + g[i] + decay * w[i];
            v[i] = vi;
            w[i] -= lr * vi;
        }
    }

    /** The velocities (momentum); the rate follows from the epoch, so it is not state. */
    @Override
    public void saveState(SolverState out) {
        if (p.momentum() == 0) return;
        out.putAll("velocity", velocity);
        out.putAll("velocity32", velocity32);
        for (int i = 0; i < velocityStore.length; i++) if (velocityStore[i] != null) out.put("velocityStore/" + i, velocityStore[i].data);
    }

    @Override
    public void restoreState(SolverState in) {
        if (p.momentum() == 0) return;
        int[] lengths = tensorLengths(layers);
        in.restoreAll("velocity", velocity, lengths);
        in.restoreAll("velocity32", velocity32, lengths);
        for (int l = 0; l + 1 < layers.length; l++) {
            String name = "velocityStore/" + 2 * l;
            if (!in.has(name)) continue;
            velocityStore[2 * l] = R032Store.FACTORY.make(layers[l + 1], layers[l]);
            System.arraycopy(in.floats(name, lengths[2 * l]), 0, velocityStore[2 * l].data, 0, lengths[2 * l]);
        }
    }
}
