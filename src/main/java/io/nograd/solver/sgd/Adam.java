package io.nograd.solver.sgd;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Loss;
import io.nograd.solver.SolverState;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction, and its AMSGrad variant (Reddi, Kale &amp; Kumar 2018),
 * which divides by the running maximum of the second moment, exactly as PyTorch's {@code Adam(amsgrad=True)}:
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; v̂max ← max(v̂max, v); θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
 */
final class Adam extends GradientSolver {

    private final AdamParams p;
    private final boolean amsgrad;
    private final double[][] m;
    private final double[][] v;
    private final double[][] vMax;
    /** The float32 step's state (PyTorch's, for float32 parameters). */
    private final float[][] m32;
    private final float[][] v32;
    private final float[][] vMax32;
    private int step = 1;
    private final int[] lengths;

    Adam(Loss loss, AdamParams p, boolean amsgrad, int[] layers) {
        super(loss, p.precision());
        this.p = p;
        this.amsgrad = amsgrad;
        this.lengths = tensorLengths(layers);
        int tensors = lengths.length;
        m = new double[tensors][];
        v = new double[tensors][];
        vMax = new double[tensors][];
        m32 = new float[tensors][];
        v32 = new float[tensors][];
        vMax32 = new float[tensors][];
    }

    @Override
    void update(int index, R064Store param, R064Store grad) {
        double[] w = param.data;
        double[] g = grad.data;
        if (m[index] == null) {
            m[index] = new double[w.length];
            v[index] = new double[w.length];
            if (amsgrad) vMax[index] = new double[w.length];
        }
        double[] mi = m[index];
        double[] vi = v[index];
        double[] vmax = vMax[index];
        double b1 = p.beta1();
        double b2 = p.beta2();
        double stepSize = p.lr() / (1 - Math.pow(b1, step));
        double inverseSqrtCorrection = 1 / Math.sqrt(1 - Math.pow(b2, step));
        double eps = p.eps();
        double decay = p.weightDecay();
        // Two branch-free loops rather than one with an amsgrad test inside, so the JIT vectorizes them:
        // this update touches every parameter every batch and was a fifth of Adam's epoch.
        if (amsgrad) {
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + decay * w[i];
                mi[i] = b1 * mi[i] + (1 - b1) * gi;
                vi[i] = b2 * vi[i] + (1 - b2) * gi * gi;
                vmax[i] = Math.max(vmax[i], vi[i]);
                w[i] -= stepSize * mi[i] / (Math.sqrt(vmax[i]) * inverseSqrtCorrection + eps);
            }
        } else {
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + decay * w[i];
                mi[i] = b1 * mi[i] + (1 - b1) * gi;
                vi[i] = b2 * vi[i] + (1 - b2) * gi * gi;
                w[i] -= stepSize * mi[i] / (Math.sqrt(vi[i]) * inverseSqrtCorrection + eps);
            }
        }
    }

    @Override
    void update(int index, float[] g, float[] w) {
        if (m32[index] == null) {
            m32[index] = new float[w.length];
            v32[index] = new float[w.length];
            if (amsgrad) vMax32[index] = new float[w.length];
        }
        float[] mi = m32[index];
        float[] vi = v32[index];
        float[] vmax = vMax32[index];
        float b1 = (float) p.beta1();
        float b2 = (float) p.beta2();
        float stepSize = (float) (p.lr() / (1 - Math.pow(p.beta1(), step)));
        float inverseSqrtCorrection = (float) (1 / Math.sqrt(1 - Math.pow(p.beta2(), step)));
        float eps = (float) p.eps();
        float decay = (float) p.weightDecay();
        if (amsgrad) {
            for (int i = 0; i < w.length; i++) {
                float gi = g[i] + decay * w[i];
                float m = b1 * mi[i] + (1 - b1) * gi;
                float v = b2 * vi[i] + (1 - b2) * gi * gi;
                float vm = Math.max(vmax[i], v);
                mi[i] = m;
                vi[i] = v;
                vmax[i] = vm;
                w[i] -= stepSize * m / ((float) Math.sqrt(vm) * inverseSqrtCorrection + eps);
            }
        } else {
            for (int i = 0; i < w.length; i++) {
                float gi = g[i] + decay * w[i];
                float m = b1 * mi[i] + (1 - b1) * gi;
                float v = b2 * vi[i] + (1 - b2) * gi * gi;
                mi[i] = m;
                vi[i] = v;
                w[i] -= stepSize * m / ((float) Math.sqrt(v) * inverseSqrtCorrection + eps);
            }
        }
    }

    @Override
    void endStep() {
        step++;
    }

    /** The moments of every tensor and the step count t of the bias correction. */
    @Override
    public void saveState(SolverState out) {
        out.put("t", step);
        out.putAll("m", m);
        out.putAll("v", v);
        out.putAll("vmax", vMax);
        out.putAll("m32", m32);
        out.putAll("v32", v32);
        out.putAll("vmax32", vMax32);
    }

    @Override
    public void restoreState(SolverState in) {
        step = (int) in.scalar("t");
        in.restoreAll("m", m, lengths);
        in.restoreAll("v", v, lengths);
        in.restoreAll("vmax", vMax, lengths);
        in.restoreAll("m32", m32, lengths);
        in.restoreAll("v32", v32, lengths);
        in.restoreAll("vmax32", vMax32, lengths);
    }
}
