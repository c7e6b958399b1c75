package io.nograd.solver.sibp;

import java.util.Arrays;

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
 * <b>Representer form (W).</b> Started at W^k, every gradient ∇_W h = (2S + C/λ)·Fᵀ, with S = σ′(Z) ⊙ (σ(Z) − T)
 * and W − W^k = C·Fᵀ, so every CG direction and iterate is a coefficient matrix C (units × batch) times Fᵀ.
 * With the Gram matrix K = FᵀF the whole iteration runs in that small space and yields the same iterates as
 * CG on W itself: Z moves by D·K along a direction D·Fᵀ, ⟨A·Fᵀ, B·Fᵀ⟩ = ⟨A·K, B⟩, so each CG step costs one
 * units × batch × batch product instead of two units × inputs × batch products, the line-search trials
 * none (Z(α) = Z + α·dZ and the proximal term expands from three dot products), and W is written once at the
 * end, W ← W^k + C·Fᵀ.
 * <p>
 * <b>The bias</b> ({@link #solveBias}) is the same problem with F the row of ones; there every coefficient
 * matrix only acts through its row sums (K = 𝟙𝟙ᵀ), so the CG runs on vectors of the layer's width: ∇_b h =
 * 2·S𝟙 + (b − b^k)/λ, Z(b) = Z^k + (b − b^k)𝟙ᵀ, ‖σ′ ⊙ d𝟙ᵀ‖² = Σ_i d_i² Σ_j σ′_ij². Its only pass over the
 * batch is the evaluation at each trial, which also returns the row sums S𝟙 and Σ_j σ′²; the iterates are those
 * of the coefficient form in exact arithmetic, at a fifth of its passes over units × batch arrays.
 * <p>
 * <b>Line search.</b> The first trial step is the Gauss–Newton step α = −gᵀd / (2‖σ′(Z) ⊙ dZ‖² + ‖d‖²/λ), exact
 * for a linear output layer, so the authors' unit-free backtracking rarely needs a second trial; a direction
 * that is not a descent direction restarts CG along −g; a search that finds no decrease ends the subproblem.
 * <p>
 * <b>Passes.</b> The element-wise passes run on the job's thread budget ({@link Passes}) and are fused so that
 * each array is read as few times as the iteration allows: a trial's evaluation also writes the gradient G at
 * the trial (kept if the trial is accepted, so no separate gradient pass), and the direction update also applies
 * the accepted step to C. Within a chunk, the evaluation works in blocks that stay in L1 between σ, σ′ and the
 * loop that uses them, and every sum runs in a few lanes (element i − from to lane (i − from) mod lanes, the
 * lanes added at the end), because one ordered chain of float64 additions costs an add's latency per element.
 * Chunks and lanes depend on the array's length alone, so the iterates are the same bits for any budget.
 */
final class ProximalFit {

    /** Right-multiplication by the Gram matrix K of the weight subproblem: out = C·K. */
    interface Kernel {
        void apply(R064Store c, R064Store out);
    }

    /** The weights' kernel K = FᵀF (batch × batch, symmetric). */
    static Kernel gram(Gemm gemm, R064Store k) {
        return (c, out) -> gemm.multiply(false, false, c, k, out);
    }

    private static final int MAX_TRIALS = 30;
    /** Elements per block of an evaluation: its arrays' blocks stay in L1 together; a multiple of 4. */
    private static final int BLOCK = 512;

    private final int rows;
    private final int cgIterations;
    private final double backtracking;
    private final double sigma;
    // the weight subproblem, units × batch
    private R064Store z;
    private R064Store trial;
    private R064Store slope;
    private R064Store trialSlope;
    private R064Store s;
    private R064Store trialS;
    private final R064Store g;
    private final R064Store c;
    private final R064Store gk;
    private final R064Store d;
    private final R064Store dz;
    /** Per chunk of a bias pass, BLOCK elements each: Z', σ and σ′ at a block, in the chunk's thread's L1. */
    private final double[] scratchSigma;
    private final double[] scratchZ;
    private final double[] scratchSlope;
    // the bias subproblem, units
    private final double[] u;
    private final double[] shift;
    private final double[] bg;
    private final double[] bd;
    /** S𝟙, Σ_j σ′² and ‖σ − T‖² at the current point and at the trial (rows, rows, 1). */
    private double[] rowSums;
    private double[] trialRowSums;

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
    private final Passes.Sums biasPass = this::evaluateBias;
    private final Passes.Sums combinePass = this::combine;
    private final Passes.Sum gradientNormPass = this::gradientNorm;
    private final double[] combined = new double[4];
    private R064Store evalAt;
    private double evalAlpha;
    private R064Store evalTarget;
    private Activation evalPhi;
    private R064Store evalSlope;
    private R064Store evalS;
    /** ReLU's σ′ by {@link #reluSlope} (set per solve). */
    private boolean evalRelu;
    private double gradAlpha;
    private double gradLambda;
    private double beta;

    ProximalFit(int units, int columns, int cgIterations, double backtracking, double sigma, Passes passes) {
        this.passes = passes;
        this.rows = units;
        this.cgIterations = cgIterations;
        this.backtracking = backtracking;
        this.sigma = sigma;
        z = Ops.make(units, columns);
        trial = Ops.make(units, columns);
        slope = Ops.make(units, columns);
        trialSlope = Ops.make(units, columns);
        s = Ops.make(units, columns);
        trialS = Ops.make(units, columns);
        g = Ops.make(units, columns);
        c = Ops.make(units, columns);
        gk = Ops.make(units, columns);
        d = Ops.make(units, columns);
        dz = Ops.make(units, columns);
        int chunks = (units * columns + Passes.GRAIN - 1) / Passes.GRAIN;
        scratchSigma = new double[chunks * BLOCK];
        scratchZ = new double[chunks * BLOCK];
        scratchSlope = new double[chunks * BLOCK];
        u = new double[units];
        shift = new double[units];
        bg = new double[units];
        bd = new double[units];
        rowSums = new double[2 * units + 1];
        trialRowSums = new double[2 * units + 1];
    }

    /**
     * Runs the CG on the weight subproblem whose pre-activation at θ^k is {@code pre}; on return {@code pre} holds
     * Z at the solution and {@link #coefficients()} the C with W − W^k = C·Fᵀ.
     */
    void solve(R064Store pre, R064Store target, Activation phi, double lambda, Kernel kernel) {
        Ops.copy(pre, z);
        Arrays.fill(c.data, 0);
        evalRelu = isRelu(phi);
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

    /** C with W − W^k = C·Fᵀ after {@link #solve}. */
    R064Store coefficients() { return c; }

    /**
     * Runs the CG on the bias subproblem whose pre-activation at b^k is {@code pre} (the same iteration as
     * {@link #solve} with K = 𝟙𝟙ᵀ, on vectors); on return {@code pre} holds Z at the solution and
     * {@link #biasStep()} b − b^k.
     */
    void solveBias(R064Store pre, R064Store target, Activation phi, double lambda) {
        Arrays.fill(u, 0);
        evalRelu = isRelu(phi);
        double data = evaluateBias(pre, 0, target, phi);
        swapRowSums();
        initialResidual = data;
        double h = data;
        double uu = 0;
        double ggPrev = 0;
        double pending = 0;
        for (int k = 0; k < cgIterations; k++) {
            double gg = 0;
            for (int r = 0; r < rows; r++) {
                double ur = u[r] + pending * bd[r];
                u[r] = ur;
                double gr = 2 * rowSums[r] + ur / lambda;
                bg[r] = gr;
                gg += gr * gr;
            }
            pending = 0;
            if (!(gg > 0)) break;
            biasDirection(k == 0 ? 0 : gg / ggPrev);
            if (!(gd < 0)) biasDirection(0);
            ggPrev = gg;
            double alpha = -gd / (2 * curvature + dd / lambda);
            for (int t = 0; t < MAX_TRIALS && Double.isFinite(alpha); t++) {
                for (int r = 0; r < rows; r++) shift[r] = u[r] + alpha * bd[r];
                double trialData = evaluateBias(pre, 1, target, phi);
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
            swapRowSums();
        }
        for (int r = 0; r < rows; r++) u[r] += pending * bd[r];
        finalResidual = data;
        stepSquared = uu;
        // Z = Z^k + (b − b^k)𝟙ᵀ
        double[] zd = pre.data;
        for (int i = 0, r = 0; i < zd.length; i++) {
            zd[i] += u[r];
            if (++r == rows) r = 0;
        }
    }

    /** b − b^k after {@link #solveBias}. */
    double[] biasStep() { return u; }

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
     * {@link #evaluate} on [from, to), block by block so that the block stays in L1 from one loop to the next
     * (each loop one the JIT vectorizes, but the sum, which runs in four lanes).
     */
    private double evaluate(int from, int to) {
        double[] zd = evalAt.data;
        double[] t = evalTarget.data;
        double[] sl = evalSlope.data;
        double[] sd = evalS.data;
        double[] dzd = dz.data;
        Activation phi = evalPhi;
        boolean relu = evalRelu;
        double alpha = evalAlpha;
        double[] v = alpha != 0 ? trial.data : zd;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int b = from; b < to; b += BLOCK) {
            int e = Math.min(to, b + BLOCK);
            if (alpha != 0) {
                for (int i = b; i < e; i++) v[i] = zd[i] + alpha * dzd[i];
            }
            // sd ← σ(Z') − T, sl ← σ′(Z'), the sum of squares, then sd ← σ′ ⊙ (σ − T)
            phi.apply(v, sd, b, e);
            if (relu) reluSlope(v, sl, b, e);
            else phi.derivative(v, sl, b, e);
            for (int i = b; i < e; i++) sd[i] -= t[i];
            int i = b;
            for (; i + 3 < e; i += 4) {
                s0 += sd[i] * sd[i];
                s1 += sd[i + 1] * sd[i + 1];
                s2 += sd[i + 2] * sd[i + 2];
                s3 += sd[i + 3] * sd[i + 3];
            }
            for (; i < e; i++) s0 += sd[i] * sd[i];
            for (int k = b; k < e; k++) sd[k] *= sl[k];
        }
        return (s0 + s1) + (s2 + s3);
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

    private static boolean isRelu(Activation phi) {
        return "relu".equals(phi.name());
    }

    /**
     * ReLU's σ′ (1 where z &gt; 0, else 0) by min and max, which the JIT vectorizes (4× faster than
     * {@link Activation#derivative(double[], double[], int, int)}'s bit masks, which it does not on this JDK): z·2²⁰⁴⁶
     * is at least 2⁹⁷² for every positive z, subnormals included, and ≤ 0 otherwise. Only a NaN differs (NaN
     * instead of 0), and there σ(z), S and the data term are NaN either way, so the line search rejects the trial.
     */
    static void reluSlope(double[] z, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.min(Math.max(z[i] * 0x1p1023 * 0x1p1023, 0.0), 1.0);
    }

    /**
     * At Z' = Z^k + shift·𝟙ᵀ (shift = b − b^k, or at a trial b − b^k + α·d when {@code trialShift} is 1, read
     * from {@code shift}): writes S'𝟙, Σ_j σ′(Z')² and ‖σ(Z') − T‖² to the trial row sums; returns the last.
     */
    private double evaluateBias(R064Store at, int trialShift, R064Store target, Activation phi) {
        if (trialShift == 0) Arrays.fill(shift, 0);
        evalAt = at;
        evalTarget = target;
        evalPhi = phi;
        passes.sums(at.data.length, 2 * rows + 1, biasPass, trialRowSums);
        return trialRowSums[2 * rows];
    }

    /** {@link #evaluateBias} on [from, to): per column piece (at most a block), into this chunk's scratch. */
    private void evaluateBias(int from, int to, double[] out, int at) {
        double[] zd = evalAt.data;
        double[] t = evalTarget.data;
        double[] sh = shift;
        double[] sg = scratchSigma;
        double[] sv = scratchZ;
        double[] sl = scratchSlope;
        Activation phi = evalPhi;
        boolean relu = evalRelu;
        int n = rows;
        Arrays.fill(out, at, at + 2 * n + 1, 0);
        int base = from / Passes.GRAIN * BLOCK;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int b = from;
        while (b < to) {
            int r0 = b % n;
            int len = Math.min(Math.min(to - b, n - r0), BLOCK);
            for (int k = 0; k < len; k++) sv[base + k] = zd[b + k] + sh[r0 + k];
            phi.apply(sv, sg, base, base + len);
            if (relu) reluSlope(sv, sl, base, base + len);
            else phi.derivative(sv, sl, base, base + len);
            int k = 0;
            for (; k + 3 < len; k += 4) {
                double q0 = sg[base + k] - t[b + k];
                double q1 = sg[base + k + 1] - t[b + k + 1];
                double q2 = sg[base + k + 2] - t[b + k + 2];
                double q3 = sg[base + k + 3] - t[b + k + 3];
                s0 += q0 * q0;
                s1 += q1 * q1;
                s2 += q2 * q2;
                s3 += q3 * q3;
            }
            for (; k < len; k++) {
                double q = sg[base + k] - t[b + k];
                s0 += q * q;
            }
            int rs = at + r0;
            for (k = 0; k < len; k++) out[rs + k] += sl[base + k] * (sg[base + k] - t[b + k]);
            int rq = at + n + r0;
            for (k = 0; k < len; k++) out[rq + k] += sl[base + k] * sl[base + k];
            b += len;
        }
        out[at + 2 * n] = (s0 + s1) + (s2 + s3);
    }

    private void swapRowSums() {
        double[] swap = rowSums;
        rowSums = trialRowSums;
        trialRowSums = swap;
    }

    /** The bias's d ← −g + β·d and the line search's sums: gᵀd, ‖d‖², ⟨b − b^k, d⟩ and Σ_i d_i² Σ_j σ′_ij². */
    private void biasDirection(double beta) {
        double sgd = 0;
        double sdd = 0;
        double sud = 0;
        double scurv = 0;
        for (int r = 0; r < rows; r++) {
            double dr = beta * bd[r] - bg[r];
            bd[r] = dr;
            sgd += bg[r] * dr;
            sdd += dr * dr;
            sud += u[r] * dr;
            scurv += dr * dr * rowSums[rows + r];
        }
        gd = sgd;
        dd = sdd;
        ud = sud;
        curvature = scurv;
    }

    /** ⟨G, G·K⟩ on [from, to), in four lanes. */
    private double gradientNorm(int from, int to) {
        double[] a = g.data;
        double[] b = gk.data;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < to; i++) s0 += a[i] * b[i];
        return (s0 + s1) + (s2 + s3);
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

    /** {@link #combine} on [from, to), each sum in two lanes (even and odd elements from {@code from}). */
    private void combine(int from, int to, double[] out, int at) {
        double beta = this.beta;
        double[] dir = d.data;
        double[] dzd = dz.data;
        double[] gdata = g.data;
        double[] gkd = gk.data;
        double[] cd = c.data;
        double[] sl = slope.data;
        double sgd0 = 0;
        double sdd0 = 0;
        double sud0 = 0;
        double scurv0 = 0;
        double sgd1 = 0;
        double sdd1 = 0;
        double sud1 = 0;
        double scurv1 = 0;
        int i = from;
        for (; i + 1 < to; i += 2) {
            double d0 = beta * dir[i] - gdata[i];
            double dz0 = beta * dzd[i] - gkd[i];
            double d1 = beta * dir[i + 1] - gdata[i + 1];
            double dz1 = beta * dzd[i + 1] - gkd[i + 1];
            dir[i] = d0;
            dzd[i] = dz0;
            dir[i + 1] = d1;
            dzd[i + 1] = dz1;
            sgd0 += gdata[i] * dz0;
            sgd1 += gdata[i + 1] * dz1;
            sdd0 += d0 * dz0;
            sdd1 += d1 * dz1;
            sud0 += cd[i] * dz0;
            sud1 += cd[i + 1] * dz1;
            double v0 = sl[i] * dz0;
            double v1 = sl[i + 1] * dz1;
            scurv0 += v0 * v0;
            scurv1 += v1 * v1;
        }
        if (i < to) {
            double d0 = beta * dir[i] - gdata[i];
            double dz0 = beta * dzd[i] - gkd[i];
            dir[i] = d0;
            dzd[i] = dz0;
            sgd0 += gdata[i] * dz0;
            sdd0 += d0 * dz0;
            sud0 += cd[i] * dz0;
            double v0 = sl[i] * dz0;
            scurv0 += v0 * v0;
        }
        out[at] = sgd0 + sgd1;
        out[at + 1] = sdd0 + sdd1;
        out[at + 2] = sud0 + sud1;
        out[at + 3] = scurv0 + scurv1;
    }
}
