package io.nograd.solver;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Loss;
import io.nograd.nn.Ops;

/**
 * The proximal operator of the training loss, column by column: z = argmin_z ℓ(y, z) + c/2‖z − v‖², the output
 * step of the penalty methods (iPDLAM's step 5, DLAM's eq. (5)). For MSE, ℓ = ½‖z − y‖², it is the closed form
 * (y + c·v)/(1 + c). For the softmax cross-entropy, ℓ = −Σ y_i log softmax(z)_i, the papers give no method; this is
 * Newton's method with the Hessian diag(p) − ppᵀ + cI (p = softmax(z)) inverted by Sherman–Morrison, O(rows) per
 * step, and step halving, at most {@value #NEWTON_STEPS} steps from v (or, {@link #applyFrom}, from the better of v
 * and a given point); the objective never rises. One instance per thread (it owns its scratch).
 */
public final class LossProx {

    public static final int NEWTON_STEPS = 8;

    private final Loss loss;
    private final double[] scratch;

    /** For outputs of {@code rows} units. */
    public LossProx(Loss loss, int rows) {
        this.loss = loss;
        this.scratch = new double[4 * rows];
    }

    /** z ← argmin ℓ(y, z) + c/2‖z − v‖², every column; z and v are different stores of y's shape. */
    public void apply(R064Store y, R064Store v, double c, R064Store z) {
        apply(y, v, c, z, false);
    }

    /**
     * The same, with Newton started from the better of v and the point z holds on entry, column by column: the
     * result is never worse than that point (a step that must not raise an objective the point is feasible for).
     */
    public void applyFrom(R064Store y, R064Store v, double c, R064Store z) {
        apply(y, v, c, z, true);
    }

    private void apply(R064Store y, R064Store v, double c, R064Store z, boolean warm) {
        double[] yd = y.data;
        double[] vd = v.data;
        double[] zd = z.data;
        if (loss == Loss.MSE) {
            for (int i = 0; i < zd.length; i++) zd[i] = (yd[i] + c * vd[i]) / (1 + c);
            return;
        }
        int rows = Ops.rows(v);
        for (int off = 0; off < zd.length; off += rows) crossEntropy(yd, vd, c, zd, off, rows, scratch, warm);
    }

    /**
     * Newton on f(z) = −Σ y_i log softmax(z)_i + c/2‖z − v‖² for one column z[off..off+rows) around v, from v, or
     * when {@code warm} from the better of v and z's entry value.
     */
    static void crossEntropy(double[] y, double[] v, double c, double[] z, int off, int rows, double[] s, boolean warm) {
        double f = value(y, v, c, v, off, rows);
        double atZ = warm ? value(y, v, c, z, off, rows) : Double.POSITIVE_INFINITY;
        if (atZ < f) f = atZ;
        else System.arraycopy(v, off, z, off, rows);
        for (int step = 0; step < NEWTON_STEPS; step++) {
            softmax(z, off, rows, s);
            // gradient p − y + c(z − v) in s[rows..2rows), Newton direction by Sherman–Morrison in s[2rows..3rows)
            double gNorm = 0;
            double pag = 0;
            double pap = 0;
            for (int i = 0; i < rows; i++) {
                double gi = s[i] - y[off + i] + c * (z[off + i] - v[off + i]);
                s[rows + i] = gi;
                gNorm += gi * gi;
                double ai = s[i] + c;
                pag += s[i] * gi / ai;
                pap += s[i] * s[i] / ai;
            }
            if (gNorm < 1e-24) return;
            double k = pag / (1 - pap);
            for (int i = 0; i < rows; i++) s[2 * rows + i] = (s[rows + i] + s[i] * k) / (s[i] + c);
            double t = 1;
            for (int halving = 0; halving < 30; halving++) {
                for (int i = 0; i < rows; i++) s[3 * rows + i] = z[off + i];
                for (int i = 0; i < rows; i++) z[off + i] = s[3 * rows + i] - t * s[2 * rows + i];
                double ft = value(y, v, c, z, off, rows);
                if (ft <= f) {
                    f = ft;
                    break;
                }
                for (int i = 0; i < rows; i++) z[off + i] = s[3 * rows + i];
                t *= 0.5;
            }
        }
    }

    /** s[0..rows) = softmax(z[off..off+rows)). */
    private static void softmax(double[] z, int off, int rows, double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < rows; i++) max = Math.max(max, z[off + i]);
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            s[i] = Math.exp(z[off + i] - max);
            sum += s[i];
        }
        for (int i = 0; i < rows; i++) s[i] /= sum;
    }

    private static double value(double[] y, double[] v, double c, double[] z, int off, int rows) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < rows; i++) max = Math.max(max, z[off + i]);
        double sum = 0;
        for (int i = 0; i < rows; i++) sum += Math.exp(z[off + i] - max);
        double logZ = max + Math.log(sum);
        double f = 0;
        for (int i = 0; i < rows; i++) {
            double dz = z[off + i] - v[off + i];
            f += -y[off + i] * (z[off + i] - logZ) + 0.5 * c * dz * dz;
        }
        return f;
    }
}
