package io.nograd.solver.sibp;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Activation;
import io.nograd.nn.Gemm;
import io.nograd.nn.Ops;

/**
 * One subproblem of eq. (4.1), min over θ of h(θ) = ‖σ(Z(θ)) − T‖² + (1/2λ)‖θ − θ^k‖², for θ = W_i (with
 * Z = W·F + b) or θ = b_i, solved approximately by Fletcher–Reeves nonlinear conjugate gradients with an Armijo
 * backtracking line search, started at θ^k (the authors' code: a few iterations, factor 0.6, σ = 0.1).
 * <p>
 * <b>Representer form.</b> Started at θ^k, every gradient ∇_W h = (2S + C/λ)·Fᵀ, with S = σ′(Z) ⊙ (σ(Z) − T)
 * and W − W^k = C·Fᵀ, so every CG direction and iterate is a coefficient matrix C (units × batch) times Fᵀ.
 * With the Gram matrix K = FᵀF the whole iteration runs in that small space and yields the same iterates as
 * CG on W itself: Z moves by D·K along a direction D·Fᵀ, ⟨A·Fᵀ, B·Fᵀ⟩ = ⟨A·K, B⟩, so each CG step costs one
 * units × batch × batch product instead of two units × inputs × batch products, the line-search trials
 * none (Z(α) = Z + α·dZ and the proximal term expands from three dot products), and W is written once at the
 * end, W ← W^k + C·Fᵀ. The bias is the same problem with F the row of ones, K the all-ones matrix.
 * <p>
 * <b>Line search.</b> The first trial step is the Gauss–Newton step α = −gᵀd / (2‖σ′(Z) ⊙ dZ‖² + ‖d‖²/λ), exact
 * for a linear output layer, so the authors' unit-free backtracking rarely needs a second trial; a direction
 * that is not a descent direction restarts CG along −g; a search that finds no decrease ends the subproblem.
 */
final class ProximalFit {

    /** Right-multiplication by the Gram matrix K of the subproblem: out = C·K. */
    interface Kernel {
        void apply(R064Store c, R064Store out);
    }

    /** The bias's kernel: K = 𝟙𝟙ᵀ, so C·K repeats the row sums of C in every column. */
    static final Kernel ONES = (c, out) -> {
        int rows = Ops.rows(c);
        int cols = Ops.cols(c);
        double[] in = c.data;
        double[] o = out.data;
        java.util.Arrays.fill(o, 0, rows, 0);
        for (int j = 0; j < cols; j++) {
            int off = j * rows;
            for (int i = 0; i < rows; i++) o[i] += in[off + i];
        }
        for (int j = 1; j < cols; j++) System.arraycopy(o, 0, o, j * rows, rows);
    };

    /** The weights' kernel K = FᵀF (batch × batch, symmetric). */
    static Kernel gram(R064Store k) {
        return (c, out) -> Gemm.get().multiply(false, false, c, k, out);
    }

    private static final int MAX_TRIALS = 30;

    private final int cgIterations;
    private final double backtracking;
    private final double sigma;
    private R064Store z;
    private R064Store trial;
    private final R064Store slope;
    private final R064Store s;
    private final R064Store c;
    private final R064Store g;
    private final R064Store gk;
    private final R064Store d;
    private final R064Store dz;
    private double initialResidual;
    private double finalResidual;
    private double stepSquared;

    ProximalFit(int units, int columns, int cgIterations, double backtracking, double sigma) {
        this.cgIterations = cgIterations;
        this.backtracking = backtracking;
        this.sigma = sigma;
        z = Ops.make(units, columns);
        trial = Ops.make(units, columns);
        slope = Ops.make(units, columns);
        s = Ops.make(units, columns);
        c = Ops.make(units, columns);
        g = Ops.make(units, columns);
        gk = Ops.make(units, columns);
        d = Ops.make(units, columns);
        dz = Ops.make(units, columns);
    }

    /**
     * Runs the CG on the subproblem whose pre-activation at θ^k is {@code pre}; on return {@code pre} holds
     * Z at the solution and {@link #coefficients()} the C with θ − θ^k = C·Fᵀ.
     */
    void solve(R064Store pre, R064Store target, Activation phi, double lambda, Kernel kernel) {
        Ops.copy(pre, z);
        java.util.Arrays.fill(c.data, 0);
        double data = residual(z, target, phi);
        initialResidual = data;
        double h = data;
        double uu = 0;
        double ggPrev = 0;
        for (int k = 0; k < cgIterations; k++) {
            // gradient of h in coefficient form: G = 2S + C/λ, and G·K (the change of Z along it)
            double[] gradient = g.data;
            double[] sd = s.data;
            double[] cd = c.data;
            for (int i = 0; i < gradient.length; i++) gradient[i] = 2 * sd[i] + cd[i] / lambda;
            kernel.apply(g, gk);
            double gg = Ops.dot(g, gk);
            if (!(gg > 0)) break;
            // Fletcher–Reeves direction D = −G + β·D, β = ‖∇h‖² / ‖∇h_prev‖²; its image dZ = −G·K + β·dZ
            double beta = k == 0 ? 0 : gg / ggPrev;
            combine(beta);
            double gd = Ops.dot(g, dz);
            if (!(gd < 0)) {
                combine(0);
                gd = -gg;
            }
            ggPrev = gg;
            double dd = Ops.dot(d, dz);
            double ud = Ops.dot(c, dz);
            // Armijo backtracking from the Gauss–Newton step
            double alpha = -gd / (2 * curvature() + dd / lambda);
            double accepted = Double.NaN;
            for (int t = 0; t < MAX_TRIALS && Double.isFinite(alpha); t++) {
                double trialData = moved(alpha, target, phi);
                double trialH = trialData + (uu + 2 * alpha * ud + alpha * alpha * dd) / (2 * lambda);
                if (trialH <= h + sigma * alpha * gd + 1e-12 * Math.abs(h)) {
                    accepted = alpha;
                    data = trialData;
                    h = trialH;
                    break;
                }
                alpha *= backtracking;
            }
            if (Double.isNaN(accepted)) break;
            R064Store swap = z;
            z = trial;
            trial = swap;
            Ops.axpy(accepted, d, c);
            uu += 2 * accepted * ud + accepted * accepted * dd;
            if (k + 1 < cgIterations) residual(z, target, phi);
        }
        finalResidual = data;
        stepSquared = uu;
        Ops.copy(z, pre);
    }

    /** C with θ − θ^k = C·Fᵀ after {@link #solve}. */
    R064Store coefficients() { return c; }

    /** ‖σ(Z^k) − T‖² at the start of the last solve. */
    double initialResidual() { return initialResidual; }

    /** ‖σ(Z) − T‖² at its end. */
    double finalResidual() { return finalResidual; }

    /** ‖θ − θ^k‖² of the last solve. */
    double stepSquared() { return stepSquared; }

    /** S = σ′(Z) ⊙ (σ(Z) − T) and slope = σ′(Z); returns ‖σ(Z) − T‖². */
    private double residual(R064Store at, R064Store target, Activation phi) {
        double[] zd = at.data;
        double[] t = target.data;
        double[] sl = slope.data;
        double[] sd = s.data;
        double sum = 0;
        for (int i = 0; i < zd.length; i++) {
            double r = phi.apply(zd[i]) - t[i];
            double p = phi.derivative(zd[i]);
            sl[i] = p;
            sd[i] = p * r;
            sum += r * r;
        }
        return sum;
    }

    /** D ← −G + β·D and dZ ← −G·K + β·dZ. */
    private void combine(double beta) {
        double[] dd = d.data;
        double[] dzd = dz.data;
        double[] gd = g.data;
        double[] gkd = gk.data;
        for (int i = 0; i < dd.length; i++) {
            dd[i] = beta * dd[i] - gd[i];
            dzd[i] = beta * dzd[i] - gkd[i];
        }
    }

    /** ‖σ′(Z) ⊙ dZ‖². */
    private double curvature() {
        double[] sl = slope.data;
        double[] dzd = dz.data;
        double sum = 0;
        for (int i = 0; i < sl.length; i++) {
            double v = sl[i] * dzd[i];
            sum += v * v;
        }
        return sum;
    }

    /** trial = Z + α·dZ; returns ‖σ(trial) − T‖². */
    private double moved(double alpha, R064Store target, Activation phi) {
        double[] zd = z.data;
        double[] dzd = dz.data;
        double[] td = trial.data;
        double[] t = target.data;
        double sum = 0;
        for (int i = 0; i < zd.length; i++) {
            double v = zd[i] + alpha * dzd[i];
            td[i] = v;
            double r = phi.apply(v) - t[i];
            sum += r * r;
        }
        return sum;
    }
}
