package io.nograd.solver.ipdlam;

/**
 * The cross-entropy proximal operator of iPDLAM's output step (step 5): per column,
 * argmin_z ℒ(y, z) + c/2‖z − v‖² with ℒ the softmax cross-entropy. The paper gives no method; this is Newton's
 * method with the Hessian diag(p) − ppᵀ + cI inverted by Sherman–Morrison (O(rows) per step) and step halving,
 * started at v, at most {@value #NEWTON_STEPS} steps; the objective never rises.
 * Scratch {@code s} holds at least 4·rows doubles.
 */
final class CrossEntropyProx {

    static final int NEWTON_STEPS = 8;

    private CrossEntropyProx() {
    }

    /** Newton on f(z) = −Σ y_i log softmax(z)_i + c/2‖z − v‖² for one column z[off..off+rows) around v. */
    static void solve(double[] y, double[] v, double c, double[] z, int off, int rows, double[] s) {
        System.arraycopy(v, off, z, off, rows);
        double f = value(y, v, c, z, off, rows);
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
