package io.nograd.solver.sgd;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Loss;

/**
 * Stochastic gradient descent with heavy-ball momentum and weight decay, as PyTorch's {@code SGD}:
 * v ← μ·v + (g + λ·θ); θ ← θ − lr·v. The {@code step} schedule is the LPOM paper's baseline: the rate
 * is multiplied by 0.1 after half and again after three quarters of the epochs.
 */
final class Sgd extends GradientSolver {

    private final SgdParams p;
    private final double[][] velocity;
    private double rate;

    Sgd(Loss loss, SgdParams p, int tensors) {
        super(loss, p.precision());
        this.p = p;
        this.velocity = new double[tensors][];
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
}
