package io.nograd.solver.sibp;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Activation;
import io.nograd.nn.Gemm;
import io.nograd.nn.Ops;
import io.nograd.nn.Passes;

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
 * <p>
 * <b>Threads.</b> The element-wise passes (evaluate, gradient, combine, ⟨G, G·K⟩) run on the job's thread budget
 * ({@link Passes}); their sums add fixed chunks in chunk order, so the iterates are the same bits for any budget.
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
    static Kernel gram(Gemm gemm, R064Store k) {
        return (c, out) -> gemm.multiply(false, false, c, k, out);
    }

    private static final int MAX_TRIALS = 30;

    private final int cgIterations;
    private final double backtracking;
    private final double sigma;
    private R064Store z;
    private R064Store trial;
    private R064Store slope;
    private R064Store trialSlope;
    private R064Store s;
    private R064Store trialS;
    private final R064Store c;
    private final R064Store g;
    private final R064Store gk;
    private final R064Store d;
    private final R064Store dz;
    private double gd;
    private double dd;
    private double ud;
    private double curvature;
    private double initialResidual;
    private double finalResidual;
    private double stepSquared;

    private final Passes passes;
    /** The passes' bodies, made once (no allocation per batch), and the scalars they read. */
    private final Passes.Sum evaluatePass = this::evaluate;
    private final Passes.Range gradientPass = this::gradient;
    private final Passes.Sums combinePass = this::combine;
    private final Passes.Sum gradientNormPass = this::gradientNorm;
    private final double[] combined = new double[4];
    private R064Store evalAt;
    private double evalAlpha;
    private R064Store evalTarget;
    private Activation evalPhi;
    private R064Store evalSlope;
    private R064Store evalS;
    private double gradAlpha;
    private double gradLambda;
    private double beta;

    ProximalFit(int units, int columns, int cgIterations, double backtracking, double sigma, Passes passes) {
        this.passes = passes;
        this.cgIterations = cgIterations;
        this.backtracking = backtracking;
        this.sigma = sigma;
        z = Ops.make(units, columns);
        trial = Ops.make(units, columns);
        slope = Ops.make(units, columns);
        trialSlope = Ops.make(units, columns);
        s = Ops.make(units, columns);
        trialS = Ops.make(units, columns);
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
        double data = evaluate(z, 0, target, phi, slope, s);
        initialResidual = data;
        double h = data;
        double uu = 0;
        double ggPrev = 0;
        double pending = 0;
        for (int k = 0; k < cgIterations; k++) {
            // the last accepted step C ← C + α·D, and the gradient of h in coefficient form, G = 2S + C/λ
            gradient(pending, lambda);
            pending = 0;
            kernel.apply(g, gk);
            double gg = passes.sum(g.data.length, gradientNormPass);
            if (!(gg > 0)) break;
            // Fletcher–Reeves: D = −G + β·D with β = ‖∇h‖² / ‖∇h_prev‖², and its image dZ = D·K; restart on ascent
            combine(k == 0 ? 0 : gg / ggPrev);
            if (!(gd < 0)) combine(0);
            ggPrev = gg;
            // Armijo backtracking from the Gauss–Newton step
            double alpha = -gd / (2 * curvature + dd / lambda);
            for (int t = 0; t < MAX_TRIALS && Double.isFinite(alpha); t++) {
                double trialData = evaluate(z, alpha, target, phi, trialSlope, trialS);
                double trialH = trialData + (uu + 2 * alpha * ud + alpha * alpha * dd) / (2 * lambda);
                if (trialH <= h + sigma * alpha * gd + 1e-12 * Math.abs(h)) {
                    pending = alpha;
                    data = trialData;
                    h = trialH;
                    uu += 2 * alpha * ud + alpha * alpha * dd;
                    break;
                }
                alpha *= backtracking;
            }
            if (pending == 0) break;
            R064Store swap = z;
            z = trial;
            trial = swap;
            swap = slope;
            slope = trialSlope;
            trialSlope = swap;
            swap = s;
            s = trialS;
            trialS = swap;
        }
        Ops.axpy(pending, d, c);
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

    /**
     * At Z' = Z + α·dZ (written to {@code trial} when α ≠ 0): the slope σ′(Z') and S = σ′(Z') ⊙ (σ(Z') − T);
     * returns ‖σ(Z') − T‖².
     */
    private double evaluate(R064Store at, double alpha, R064Store target, Activation phi, R064Store slopeOut, R064Store sOut) {
        evalAt = at;
        evalAlpha = alpha;
        evalTarget = target;
        evalPhi = phi;
        evalSlope = slopeOut;
        evalS = sOut;
        return passes.sum(at.data.length, evaluatePass);
    }

    /**
     * {@link #evaluate} on [from, to): in passes that the JIT can vectorize (σ and σ′ by the activation's array
     * forms, which for ReLU avoid the per-element call), the sum in index order.
     */
    private double evaluate(int from, int to) {
        double[] zd = evalAt.data;
        double[] t = evalTarget.data;
        double[] sl = evalSlope.data;
        double[] sd = evalS.data;
        double alpha = evalAlpha;
        double[] v = zd;
        if (alpha != 0) {
            v = trial.data;
            double[] dzd = dz.data;
            for (int i = from; i < to; i++) v[i] = zd[i] + alpha * dzd[i];
        }
        // sd ← σ(Z'), sl ← σ′(Z'), then sd ← σ′ ⊙ (σ − T)
        evalPhi.apply(v, sd, from, to);
        evalPhi.derivative(v, sl, from, to);
        for (int i = from; i < to; i++) sd[i] -= t[i];
        double sum = 0;
        for (int i = from; i < to; i++) sum += sd[i] * sd[i];
        for (int i = from; i < to; i++) sd[i] *= sl[i];
        return sum;
    }

    /** C ← C + α·D, then G = 2S + C/λ. */
    private void gradient(double alpha, double lambda) {
        gradAlpha = alpha;
        gradLambda = lambda;
        passes.run(g.data.length, gradientPass);
    }

    private void gradient(int from, int to) {
        double[] cd = c.data;
        double[] dir = d.data;
        double[] sd = s.data;
        double[] gdata = g.data;
        double alpha = gradAlpha;
        double lambda = gradLambda;
        for (int i = from; i < to; i++) {
            double ci = cd[i] + alpha * dir[i];
            cd[i] = ci;
            gdata[i] = 2 * sd[i] + ci / lambda;
        }
    }

    /** ⟨G, G·K⟩ on [from, to). */
    private double gradientNorm(int from, int to) {
        double[] a = g.data;
        double[] b = gk.data;
        double sum = 0;
        for (int i = from; i < to; i++) sum += a[i] * b[i];
        return sum;
    }

    /**
     * D ← −G + β·D and dZ ← −G·K + β·dZ; with them the line search's sums: gᵀd = ⟨G, dZ⟩, ‖d‖² = ⟨D, dZ⟩,
     * ⟨θ − θ^k, d⟩ = ⟨C, dZ⟩ and ‖σ′(Z) ⊙ dZ‖².
     */
    private void combine(double beta) {
        this.beta = beta;
        passes.sums(d.data.length, 4, combinePass, combined);
        gd = combined[0];
        dd = combined[1];
        ud = combined[2];
        curvature = combined[3];
    }

    private void combine(int from, int to, double[] out, int at) {
        double beta = this.beta;
        double[] dir = d.data;
        double[] dzd = dz.data;
        double[] gdata = g.data;
        double[] gkd = gk.data;
        double[] cd = c.data;
        double[] sl = slope.data;
        double sgd = 0;
        double sdd = 0;
        double sud = 0;
        double scurv = 0;
        for (int i = from; i < to; i++) {
            double di = beta * dir[i] - gdata[i];
            double dzi = beta * dzd[i] - gkd[i];
            dir[i] = di;
            dzd[i] = dzi;
            sgd += gdata[i] * dzi;
            sdd += di * dzi;
            sud += cd[i] * dzi;
            double v = sl[i] * dzi;
            scurv += v * v;
        }
        out[at] = sgd;
        out[at + 1] = sdd;
        out[at + 2] = sud;
        out[at + 3] = scurv;
    }
}
