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
 * <b>Passes.</b> The element-wise passes run on the job's thread budget ({@link Passes}). They are short (a 500 × 100
 * layer, about 12 evaluations per batch and layer) and bound by the loops' arithmetic, not by memory, so each is
 * written for the JIT's vectorizer: the weight evaluation works in blocks that stay in L1 from one loop to the next,
 * the bias evaluation column by column through a per-thread scratch column (every loop indexed by row), ReLU's σ′
 * by min and max ({@link #reluSlope}), and every sum in a few lanes (element i − from to lane (i − from) mod lanes,
 * the lanes added at the end), because one ordered chain of float64 additions costs an add's latency per element.
 * Chunks and lanes depend on the array's shape alone, so the iterates are the same bits for any budget.
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
    /** Per thread of a bias pass, one column each: Z', σ, σ′ and σ − T (so that every loop indexes by row alone). */
    private final ThreadLocal<double[][]> biasScratch;
    /** The bias pass's column chunks ({@link Passes#runColumns}'s) and each chunk's S𝟙, Σ_j σ′² and ‖σ − T‖². */
    private final int biasChunkColumns;
    private final double[][] chunkRowS;
    private final double[][] chunkRowQ;
    private final double[] chunkData;
    // the bias subproblem, units
    private final double[] u;
    private final double[] shift;
    private final double[] bg;
    private final double[] bd;
    /** S𝟙 and Σ_j σ′² at the current point and at the trial. */
    private double[] rowS;
    private double[] rowQ;
    private double[] trialRowS;
    private double[] trialRowQ;

    /** The solve in hand: its data term, h and ‖θ − θ^k‖² at the last accepted point. */
    private double data;
    private double h;
    private double uu;
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
    private final Cg weightCg = new WeightCg();
    private final Cg biasCg = new BiasCg();
    /** The weight solve's kernel, for {@link WeightCg}. */
    private Kernel kernel;
    private final Passes.Range gradientPass = this::gradient;
    private final Passes.Range biasPass = this::evaluateBias;
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
        biasScratch = ThreadLocal.withInitial(() -> new double[][] {new double[units], new double[units], new double[units], new double[units]});
        biasChunkColumns = Math.max(1, Passes.GRAIN / units);
        int chunks = (columns + biasChunkColumns - 1) / biasChunkColumns;
        chunkRowS = new double[chunks][units];
        chunkRowQ = new double[chunks][units];
        chunkData = new double[chunks];
        u = new double[units];
        shift = new double[units];
        bg = new double[units];
        bd = new double[units];
        rowS = new double[units];
        rowQ = new double[units];
        trialRowS = new double[units];
        trialRowQ = new double[units];
    }

    /**
     * Runs the CG on the weight subproblem whose pre-activation at θ^k is {@code pre}; on return {@code pre} holds
     * Z at the solution and {@link #coefficients()} the C with W − W^k = C·Fᵀ.
     */
    void solve(R064Store pre, R064Store target, Activation phi, double lambda, Kernel kernel) {
        Ops.copy(pre, z);
        Arrays.fill(c.data, 0);
        this.kernel = kernel;
        evalRelu = isRelu(phi);
        begin(z, target, phi, evaluate(z, 0, target, phi, slope, s));
        double pending = iterate(lambda, weightCg);
        Ops.axpy(pending, d, c);
        finalResidual = data;
        stepSquared = uu;
        Ops.copy(z, pre);
    }

    /** The two subproblems' steps, for {@link #iterate}. */
    private interface Cg {
        /** Applies the last accepted step (α = pending) and returns ‖∇h‖² at the new point. */
        double gradient(double pending, double lambda);

        /** d ← −∇h + β·d, setting gd, dd, ud and curvature. */
        void direction(double beta);

        /** The data term at step α along d. */
        double trial(double alpha);

        /** Makes the last trial the current point. */
        void accept();
    }

    /** After the initial evaluation: the solve's target, activation, and data term at θ^k. */
    private void begin(R064Store at, R064Store target, Activation phi, double data0) {
        evalAt = at;
        evalTarget = target;
        evalPhi = phi;
        data = data0;
        initialResidual = data0;
        h = data0;
        uu = 0;
    }

    /**
     * Fletcher–Reeves CG: β = ‖∇h‖² / ‖∇h_prev‖², a restart along −∇h on ascent, then Armijo backtracking from the
     * Gauss–Newton step; returns the last accepted step, which the caller still has to apply.
     */
    private double iterate(double lambda, Cg cg) {
        double ggPrev = 0;
        double pending = 0;
        for (int k = 0; k < cgIterations; k++) {
            double gg = cg.gradient(pending, lambda);
            pending = 0;
            if (!(gg > 0)) break;
            cg.direction(k == 0 ? 0 : gg / ggPrev);
            if (!(gd < 0)) cg.direction(0);
            ggPrev = gg;
            pending = lineSearch(lambda, cg);
            if (pending == 0) break;
            cg.accept();
        }
        return pending;
    }

    /**
     * Armijo backtracking from the Gauss–Newton step α = −gᵀd / (2‖σ′ ⊙ dZ‖² + ‖d‖²/λ); on acceptance updates data,
     * h and uu. Returns the accepted α, or 0 when no trial decreased h.
     */
    private double lineSearch(double lambda, Cg cg) {
        double alpha = -gd / (2 * curvature + dd / lambda);
        for (int t = 0; t < MAX_TRIALS && Double.isFinite(alpha); t++) {
            double trial = cg.trial(alpha);
            double trialH = trial + (uu + 2 * alpha * ud + alpha * alpha * dd) / (2 * lambda);
            if (trialH <= h + sigma * alpha * gd + 1e-12 * Math.abs(h)) {
                data = trial;
                h = trialH;
                uu += 2 * alpha * ud + alpha * alpha * dd;
                return alpha;
            }
            alpha *= backtracking;
        }
        return 0;
    }

    /** The weight subproblem in coefficient form. */
    private final class WeightCg implements Cg {
        @Override
        public double gradient(double pending, double lambda) {
            // the last accepted step C ← C + α·D, and the gradient of h in coefficient form, G = 2S + C/λ
            ProximalFit.this.gradient(pending, lambda);
            kernel.apply(g, gk);
            return passes.sum(g.data.length, gradientNormPass);
        }

        @Override
        public void direction(double beta) {
            combine(beta);
        }

        @Override
        public double trial(double alpha) {
            return evaluate(z, alpha, evalTarget, evalPhi, trialSlope, trialS);
        }

        @Override
        public void accept() {
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
    }

    /** The bias subproblem on vectors. */
    private final class BiasCg implements Cg {
        @Override
        public double gradient(double pending, double lambda) {
            double gg = 0;
            for (int r = 0; r < rows; r++) {
                double ur = u[r] + pending * bd[r];
                u[r] = ur;
                double gr = 2 * rowS[r] + ur / lambda;
                bg[r] = gr;
                gg += gr * gr;
            }
            return gg;
        }

        @Override
        public void direction(double beta) {
            biasDirection(beta);
        }

        @Override
        public double trial(double alpha) {
            for (int r = 0; r < rows; r++) shift[r] = u[r] + alpha * bd[r];
            return evaluateBias(evalAt, 1, evalTarget, evalPhi);
        }

        @Override
        public void accept() {
            swapRowSums();
        }
    }

    /** C with W − W^k = C·Fᵀ after {@link #solve}. */
    R064Store coefficients() { return c; }

    /**
     * Runs the CG on the bias subproblem whose pre-activation at b^k is {@code pre} (the same iteration as
     * {@link #solve} with K = 𝟙𝟙ᵀ, on vectors); on return {@code pre} holds Z at the solution and
     * {@link #addBiasStep} adds b − b^k.
     */
    void solveBias(R064Store pre, R064Store target, Activation phi, double lambda) {
        Arrays.fill(u, 0);
        evalRelu = isRelu(phi);
        begin(pre, target, phi, evaluateBias(pre, 0, target, phi));
        swapRowSums();
        double pending = iterate(lambda, biasCg);
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

    /**
     * b ← b + (b − b^k) after {@link #solveBias}. A method of its own, not a loop in {@link Sibp}'s sweep: a loop
     * there makes the sweep hot in its first batches, and C2 then compiles it with the whole CG inlined.
     */
    void addBiasStep(double[] bias) {
        for (int r = 0; r < bias.length; r++) bias[r] += u[r];
    }

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
     * (each loop one the JIT vectorizes, but the sum, which runs in four lanes per block, the blocks in order).
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
        double sum = 0;
        for (int b = from; b < to; b += BLOCK) sum += evaluateBlock(zd, alpha, dzd, v, t, sl, sd, phi, relu, b, Math.min(to, b + BLOCK));
        return sum;
    }

    /**
     * One block of {@link #evaluate}; returns its sum of squares. A method of its own so that each call is short: with
     * the blocks' loop around these loops in one method, C2's first compilations were on-stack replacements entered
     * at each inner loop, deoptimized and compiled again in the first batches, while the epoch waited on the core.
     */
    private static double evaluateBlock(double[] zd, double alpha, double[] dzd, double[] v, double[] t, double[] sl, double[] sd,
            Activation phi, boolean relu, int b, int e) {
        if (alpha != 0) {
            for (int i = b; i < e; i++) v[i] = zd[i] + alpha * dzd[i];
        }
        // sd ← σ(Z') − T, sl ← σ′(Z'), the sum of squares, then sd ← σ′ ⊙ (σ − T)
        phi.apply(v, sd, b, e);
        if (relu) reluSlope(v, sl, b, e);
        else phi.derivative(v, sl, b, e);
        for (int i = b; i < e; i++) sd[i] -= t[i];
        double sum = dot(sd, sd, b, e);
        for (int k = b; k < e; k++) sd[k] *= sl[k];
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

    private static boolean isRelu(Activation phi) {
        return "relu".equals(phi.name());
    }

    /**
     * ReLU's σ′ (1 where z &gt; 0, else 0) by min and max, which the JIT vectorizes, unlike the bit masks of
     * {@link Activation#derivative(double[], double[], int, int)} on this JDK (bench/results/performance.md §9.2): z·2²⁰⁴⁶
     * is at least 2⁹⁷² for every positive z, subnormals included, and ≤ 0 otherwise. Only a NaN differs (NaN
     * instead of 0), and there σ(z), S and the data term are NaN either way, so the line search rejects the trial.
     */
    static void reluSlope(double[] z, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.min(Math.max(z[i] * 0x1p1023 * 0x1p1023, 0.0), 1.0);
    }

    /**
     * At Z' = Z^k + shift·𝟙ᵀ (shift = b − b^k, or at a trial b − b^k + α·d when {@code trialShift} is 1, read
     * from {@code shift}): writes S'𝟙 and Σ_j σ′(Z')² to the trial row sums; returns ‖σ(Z') − T‖².
     */
    private double evaluateBias(R064Store at, int trialShift, R064Store target, Activation phi) {
        if (trialShift == 0) Arrays.fill(shift, 0);
        evalAt = at;
        evalTarget = target;
        evalPhi = phi;
        int cols = at.data.length / rows;
        passes.runColumns(cols, rows, biasPass);
        // the chunks' sums in chunk order: the same bits for any thread budget
        int chunks = (cols + biasChunkColumns - 1) / biasChunkColumns;
        Arrays.fill(trialRowS, 0);
        Arrays.fill(trialRowQ, 0);
        double data = 0;
        for (int c = 0; c < chunks; c++) {
            double[] cs = chunkRowS[c];
            double[] cq = chunkRowQ[c];
            for (int r = 0; r < rows; r++) trialRowS[r] += cs[r];
            for (int r = 0; r < rows; r++) trialRowQ[r] += cq[r];
            data += chunkData[c];
        }
        return data;
    }

    /**
     * {@link #evaluateBias} on the columns [from, to) (whole chunks of {@link #biasChunkColumns}: one from a pass
     * on several threads, all of them from a serial one), column by column through this thread's scratch, into each
     * chunk's own row sums; the sum of squares in four lanes per column, the columns in order.
     */
    private void evaluateBias(int from, int to) {
        if (from % biasChunkColumns != 0) {
            throw new IllegalStateException("bias pass from column " + from + ", not a multiple of " + biasChunkColumns);
        }
        for (int c0 = from; c0 < to; c0 += biasChunkColumns) biasChunk(c0 / biasChunkColumns, c0, Math.min(to, c0 + biasChunkColumns));
    }

    private void biasChunk(int chunk, int from, int to) {
        double[] zd = evalAt.data;
        double[] t = evalTarget.data;
        double[] sh = shift;
        double[][] scratch = biasScratch.get();
        double[] sv = scratch[0];
        double[] sg = scratch[1];
        double[] sl = scratch[2];
        double[] sq = scratch[3];
        double[] rs = chunkRowS[chunk];
        double[] rq = chunkRowQ[chunk];
        Activation phi = evalPhi;
        boolean relu = evalRelu;
        int n = rows;
        Arrays.fill(rs, 0);
        Arrays.fill(rq, 0);
        double sum = 0;
        for (int j = from; j < to; j++) sum += biasColumn(zd, t, j * n, sh, sv, sg, sl, sq, rs, rq, phi, relu);
        chunkData[chunk] = sum;
    }

    /** One column of {@link #biasChunk} (σ − T, σ′ and their row sums); returns its sum of squares. Short, as {@link #evaluateBlock}. */
    private static double biasColumn(double[] zd, double[] t, int off, double[] sh, double[] sv, double[] sg, double[] sl, double[] sq,
            double[] rs, double[] rq, Activation phi, boolean relu) {
        int n = sv.length;
        for (int r = 0; r < n; r++) sv[r] = zd[off + r] + sh[r];
        phi.apply(sv, sg, 0, n);
        if (relu) reluSlope(sv, sl, 0, n);
        else phi.derivative(sv, sl, 0, n);
        for (int r = 0; r < n; r++) sq[r] = sg[r] - t[off + r];
        double sum = dot(sq, sq, 0, n);
        for (int k = 0; k < n; k++) rs[k] += sl[k] * sq[k];
        for (int k = 0; k < n; k++) rq[k] += sl[k] * sl[k];
        return sum;
    }

    private void swapRowSums() {
        double[] swap = rowS;
        rowS = trialRowS;
        trialRowS = swap;
        swap = rowQ;
        rowQ = trialRowQ;
        trialRowQ = swap;
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
            scurv += dr * dr * rowQ[r];
        }
        gd = sgd;
        dd = sdd;
        ud = sud;
        curvature = scurv;
    }

    /** ⟨G, G·K⟩ on [from, to). */
    private double gradientNorm(int from, int to) {
        return dot(g.data, gk.data, from, to);
    }

    /**
     * Σ a[i]·b[i] over [from, to) in four lanes (element i − from to lane (i − from) mod 4, the lanes added at the
     * end): four independent chains of additions instead of one.
     */
    private static double dot(double[] a, double[] b, int from, int to) {
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
