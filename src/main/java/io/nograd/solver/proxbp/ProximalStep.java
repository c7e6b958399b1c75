package io.nograd.solver.proxbp;

import java.util.Arrays;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Gemm;
import io.nograd.nn.Ops;
import io.nograd.nn.Spd;

/**
 * The proximal step of ProxProp on one linear layer, for one batch of m samples:
 * <pre>
 *   θ^{k+1} = argmin_θ ½‖θ·ã − z^{k+½}‖² + 1/(2τ_θ)‖θ − θ^k‖²,   θ = [W b],  ã = [a; 1ᵀ],  z^{k+½} = z^k − τ·g
 * </pre>
 * with g = ∂L/∂z at θ^k. Its normal equations are θ(ããᵀ + I/τ_θ) = z^{k+½}ãᵀ + θ^k/τ_θ; started at θ^k their
 * residual is −τ·g·ãᵀ, and the operator θ ↦ θ(ããᵀ + I/τ_θ) maps {C·ãᵀ} into itself. So the step is
 * θ^{k+1} − θ^k = X·ãᵀ for an out × m coefficient matrix X, and both solvers work on X with the m × m matrix
 * M = K + I/τ_θ, K = ãᵀã = aᵀa + 11ᵀ, instead of on the out × (in + 1) weights:
 * <ul>
 * <li>{@code exact}: X = −τ·g·M⁻¹ by a Cholesky factor of M (the Woodbury form of the ridge solve).</li>
 * <li>{@code cg}: conjugate gradients on the normal equations, one independent CG per output unit (row of θ),
 * as the authors' block CG runs one per column of θᵀ, started at θ^k. The iterates are those of CG on θ itself,
 * with the inner products ⟨U·ãᵀ, V·ãᵀ⟩ = u·K·vᵀ taken in the coefficient space.</li>
 * </ul>
 * Cost per layer and batch: the Gram matrix (in·m²) once, then out·m² per CG iteration or m³/3 for the factor.
 */
final class ProximalStep {

    private final int rows;
    private final int columns;
    /** M = K + I/τ_θ; K is recovered as M − I/τ_θ where it is needed. */
    private final R064Store gram;
    private final Spd spd;
    private final R064Store x;
    private final R064Store r;
    private final R064Store p;
    private final R064Store pk;
    private final R064Store q;
    private final R064Store rk;
    private final double[] rs;
    private final double[] alpha;
    private double initialResidual;
    private double finalResidual;

    /** Buffers for a layer of {@code rows} output units and batches of {@code columns} samples. */
    ProximalStep(int rows, int columns, boolean exact) {
        this.rows = rows;
        this.columns = columns;
        gram = Ops.make(columns, columns);
        spd = exact ? new Spd(columns) : null;
        x = Ops.make(rows, columns);
        r = Ops.make(rows, columns);
        p = exact ? null : Ops.make(rows, columns);
        pk = exact ? null : Ops.make(rows, columns);
        q = exact ? null : Ops.make(rows, columns);
        rk = Ops.make(rows, columns);
        rs = new double[rows];
        alpha = new double[rows];
    }

    /** Bytes one instance holds, for the memory estimate. */
    static long bytes(int rows, int columns, boolean exact) {
        long mm = (long) columns * columns;
        long vectors = (long) rows * columns * (exact ? 3 : 6);
        return 8 * (mm + vectors + 2L * rows) + (exact ? Spd.bytes(columns) : 0);
    }

    /**
     * Solves the step for one layer: {@code a} is the layer's input (in × m), {@code g} = ∂L/∂z at θ^k
     * (out × m, the same scaling as the loss). Afterwards {@link #coefficients()} holds X with
     * θ^{k+1} − θ^k = X·ãᵀ, and the residual norms describe how well the normal equations are met.
     *
     * @param iterations CG iterations (ignored by the exact solve)
     */
    R064Store solve(R064Store a, R064Store g, double tau, double tauTheta, int iterations) {
        int out = Ops.rows(g);
        if (Ops.cols(a) != columns || Ops.cols(g) != columns || out != rows) {
            throw new IllegalArgumentException("step sized " + rows + "x" + columns + ", got a " + Ops.rows(a) + "x" + Ops.cols(a)
                    + " and g " + out + "x" + Ops.cols(g));
        }
        Gemm gemm = Gemm.get();
        double ridge = 1 / tauTheta;
        // M = aᵀa + 11ᵀ + I/τ_θ
        gemm.multiply(true, false, a, a, gram);
        double[] md = gram.data;
        for (int i = 0; i < md.length; i++) md[i] += 1;
        Ops.addDiagonal(gram, ridge);
        // the starting residual in coefficient form: R_0 = −τ·g
        double[] rd = r.data;
        double[] gd = g.data;
        for (int i = 0; i < rd.length; i++) rd[i] = -tau * gd[i];
        initialResidual = residualNorm(ridge);
        if (spd != null) {
            spd.factor(gram);
            Ops.copy(r, x);
            spd.solveRight(x);
            // R = −τg − X·M, for the diagnostic (round-off only)
            gemm.gemm(false, false, -1, x, gram, 1, r);
        } else {
            conjugateGradients(iterations, ridge);
        }
        finalResidual = residualNorm(ridge);
        return x;
    }

    /** CG per row: X_0 = 0, R_0 = P_0 = −τg, A(P) = P·M in coefficient form, inner products through K. */
    private void conjugateGradients(int iterations, double ridge) {
        Gemm gemm = Gemm.get();
        double[] xd = x.data;
        double[] rd = r.data;
        double[] pd = p.data;
        double[] pkd = pk.data;
        double[] qd = q.data;
        double[] rkd = rk.data;
        Arrays.fill(xd, 0);
        Ops.copy(r, p);
        // rs_r = r_r·K·r_rᵀ (rk holds R·K from residualNorm)
        rowDots(rd, rkd, rs);
        for (int it = 1; it <= iterations; it++) {
            // PK = P·K, Q = P·M = PK + P/τ_θ
            gemm.multiply(false, false, p, gram, q);
            for (int i = 0; i < qd.length; i++) pkd[i] = qd[i] - ridge * pd[i];
            for (int row = 0; row < rows; row++) {
                double pap = 0;
                for (int j = 0, idx = row; j < columns; j++, idx += rows) pap += pkd[idx] * qd[idx];
                alpha[row] = pap > 0 && rs[row] > 0 ? rs[row] / pap : 0;
            }
            for (int j = 0, idx = 0; j < columns; j++) {
                for (int row = 0; row < rows; row++, idx++) {
                    xd[idx] += alpha[row] * pd[idx];
                    rd[idx] -= alpha[row] * qd[idx];
                }
            }
            if (it == iterations) break;
            multiplyByK(r, rk, ridge);
            for (int row = 0; row < rows; row++) {
                double next = 0;
                for (int j = 0, idx = row; j < columns; j++, idx += rows) next += rd[idx] * rkd[idx];
                double beta = rs[row] > 0 ? next / rs[row] : 0;
                rs[row] = next;
                for (int j = 0, idx = row; j < columns; j++, idx += rows) pd[idx] = rd[idx] + beta * pd[idx];
            }
        }
    }

    /** √(Σ_rows r·K·rᵀ) = ‖R·ãᵀ‖_F, the residual of the normal equations in the weights' space; leaves R·K in rk. */
    private double residualNorm(double ridge) {
        multiplyByK(r, rk, ridge);
        double sum = 0;
        double[] rd = r.data;
        double[] rkd = rk.data;
        for (int i = 0; i < rd.length; i++) sum += rd[i] * rkd[i];
        return Math.sqrt(Math.max(sum, 0));
    }

    /** to = from·K = from·M − from/τ_θ. */
    private void multiplyByK(R064Store from, R064Store to, double ridge) {
        Gemm.get().multiply(false, false, from, gram, to);
        double[] fd = from.data;
        double[] td = to.data;
        for (int i = 0; i < td.length; i++) td[i] -= ridge * fd[i];
    }

    private void rowDots(double[] u, double[] v, double[] out) {
        Arrays.fill(out, 0);
        for (int j = 0, idx = 0; j < columns; j++) {
            for (int row = 0; row < rows; row++, idx++) out[row] += u[idx] * v[idx];
        }
    }

    /** X of the last solve: θ^{k+1} − θ^k = X·ãᵀ, i.e. ΔW = X·aᵀ and Δb = X·1. */
    R064Store coefficients() { return x; }

    /** ‖residual of the normal equations‖_F at θ^k (= τ‖∇_θ L‖_F). */
    double initialResidual() { return initialResidual; }

    /** ‖residual of the normal equations‖_F after the solve. */
    double finalResidual() { return finalResidual; }
}
