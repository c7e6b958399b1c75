package io.nograd.solver.ipdlam;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.nn.Activation;
import io.nograd.nn.Float32Gemm;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Gemm;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Passes;
import io.nograd.nn.Spd;
import io.nograd.solver.BatchBuffers;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.LossProx;
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverState;

/**
 * iPDLAM, Algorithm 1 of Qiao, Sun, Pan and Li, "Inertial proximal deep learning alternating minimization
 * for efficient neural network training" (ICASSP 2021): alternating minimisation of the penalty Φ_ρ of
 * problem (2), ℒ(y, z_L) + ρ/2 (Σ_l ‖z_l − W_l a_{l−1} − b_l‖² + Σ_{l<L} ‖a_l − σ(z_l)‖²), over z, (W, b) and a,
 * each step with a proximal term δρ/2‖· − ·̂‖² around an inertial extrapolation ·̂ (α for z, β for W and b,
 * γ for a), and the penalty warm-up ρ_{k+1} = min(θρ_k, ρ̄). α = β = γ = δ = 0 (preset {@code plain-am}) is the paper's
 * degenerate case; the paper's DLAM baseline, Zeng et al.'s BCD with its proximal terms, is the solver {@code bcd}.
 * Samples are columns; a_0 is the batch's input; the output layer has no activation (§2).
 * <p>
 * Choices the paper leaves open (the runs that decided them: bench/results/ipdlam.md):
 * <ul>
 * <li><b>Where z, a live</b> ({@code mode}). {@code minibatch} (default) starts each batch's z, a from a forward
 *     pass with the current W, b ("initialised by a single forward pass", §3) and needs no per-sample storage;
 *     {@code minibatch-kept} keeps each batch's z, a (and their previous iterates, for α and γ) between epochs on
 *     a fixed partition, as the prototype did. Kept, the auxiliary variables become per-sample free parameters:
 *     z_L is pulled to y at every visit and stays there whatever the forward output, the kept a drift away from
 *     σ(z) to produce it ({@code activationGaps} grow) and W fits those a, not the forward activations the test
 *     pass sees, so test accuracy falls while Φ_ρ keeps falling; re-initialised per batch it rises.
 *     {@code full-batch} is the base code's setting: one iteration of Algorithm 1 per epoch over every sample.
 *     With one iteration per batch visit, z and a are re-initialised before any iterate repeats, so α and γ
 *     only act with {@code iterations} &gt; 1 or in the kept modes; β and δ act always (the gain over
 *     {@code plain-am} is δ's). W and b are shared by every batch, so in the mini-batch modes W^{k−1} of step 2
 *     is W before the previous batch's step, while a kept batch's z^{k−1}, a^{k−1} are from its previous visit;
 *     with α = β = γ = 0.7 that mix diverges once ρ is large, and β = 0 or {@code full-batch} does not.</li>
 * <li><b>Update order</b> ({@code order}). §3.5 reports the order barely matters over 200 full-batch iterations.
 *     With z, a re-initialised per batch it decides everything: in Algorithm 1's block order a forward-consistent
 *     hidden z is a fixed point of step 4 and W_l of step 6, so only the output layer would learn. The default is
 *     §3.5's nested reverse order (z_L, W_L, a_{L−1}, z_{L−1}, …, W_1), as Zeng et al.'s BCD code updates layers
 *     backwards; full-batch always runs the block order as boxed.</li>
 * <li><b>b step.</b> §3.1's b formula is written for one sample; over a batch of m columns the exact minimiser is
 *     b = (Σ_j (z_j − W^{k+1} a_j) + δ b̂)/(m + δ), used here. δ is not scaled by the batch size, as §3.1.</li>
 * <li><b>W step.</b> §3.1's closed form ((z − b)aᵀ + δŴ)(aaᵀ + δI)⁻¹ is computed as Ŵ + E(aᵀa + δI)⁻¹aᵀ with
 *     E = z − b − Ŵa when the batch is narrower than the layer's input (the same matrix by the push-through
 *     identity, an m × m Cholesky instead of d × d), else as Ŵ + E aᵀ(aaᵀ + δI)⁻¹. When δ = 0 (DLAM) the Gram
 *     matrix is singular for m &lt; d; its proximal weight is floored at 1e-6 × its mean diagonal, which selects
 *     the least change of W among the exact fits.</li>
 * <li><b>ρ.</b> It cancels from every step but the output one (step 5). The warm-up multiplies ρ by θ once per
 *     epoch (per batch it would reach ρ̄ within the first epoch). ρ_0 = 1, chosen by measurement; ρ̄ = 100 is
 *     not reached within 48 epochs at θ = 1.1.</li>
 * <li><b>δ</b> = 1 as §3, also the best of the values tried.</li>
 * <li><b>σ prox</b> (step 4) for ReLU and leaky ReLU: the exact minimiser of |σ(x) − w|² + r|x − v|² over each
 *     linear piece, x = (s·w + r·v)/(s² + r) clamped to the piece, the better of the two (for ReLU these are the
 *     paper's candidates (w + rv)/(1 + r) and min(v, 0)).</li>
 * <li><b>Products in float32</b> by default ({@code precision}, {@link Float32Gemm}): the forward pass, the z step's
 *     W a, the W step's products and Gram matrices, the a step's Wᵀt and WᵀW; z, a and W stay float64. The Cholesky
 *     factors and solves ({@code factors}, {@link Spd#of}) are float32 by default too: δ keeps the smallest eigenvalue of the
 *     a step's WᵀW + (1 + δ)I and of the W step's aᵀa + δI away from 0, and these solves were the largest float64
 *     work left once the products ran in float32. The 10-epoch accuracy is that of float64 to 0.05 points either way (bench/results/performance.md).</li>
 * <li><b>Cross-entropy output</b> (step 5): per column, Newton's method on ℒ(y, z) + c/2‖z − v‖² with the Hessian
 *     diag(p) − ppᵀ + cI inverted by Sherman–Morrison and step halving ({@link LossProx}, shared with DLAM).</li>
 * </ul>
 * The objective reported per epoch is Φ_ρ summed over the batches at their state after their update
 * ({@link PhiAccount}). The batch's z, a live in a {@link Workspace}; {@code full-batch} runs in {@link FullBatch}.
 */
final class Ipdlam implements Solver {

    private static final double GRAM_FLOOR = 1e-6;

    final IpdlamParams p;
    private final LossProx lossProx;
    private final Activation sigma;
    private final double slope;
    private final int[] d;
    final int depth;
    /** The large products in params.precision; the Cholesky factors and solves ({@link Spd}) in params.factors. */
    final Gemm gemm;
    private double rho;

    /** W^{k−1}, b^{k−1} and the extrapolations Ŵ, b̂. */
    private final R064Store[] prevW;
    private final R064Store[] prevB;
    final R064Store[] hatW;
    private final R064Store[] hatB;
    /** Σ_j z_j, Σ_j a_j and W·Σ_j a_j for the b step. */
    final R064Store[] zSum;
    final R064Store[] aSum;
    private final R064Store[] waSum;
    /** E aᵀ, and the Gram matrix with its factor, when a batch's W step runs in the d × d form; null until needed. */
    private final R064Store[] eaT;
    private final R064Store[] inputGram;
    private final Spd[] inputSpd;
    /** The a step's matrix WᵀW + (1 + δ)I (or WWᵀ + (1 + δ)I when the layer narrows) and its factor. */
    private final R064Store[] aGram;
    private final Spd[] aSpd;
    /** Per batch index: its z, a and their previous iterates in float32 ({@code minibatch-kept}, {@code full-batch}). */
    private float[][] kept;
    private FullBatch fullBatch;
    private final BatchBuffers<Workspace> buffers = new BatchBuffers<>();
    private boolean started;
    final PhiAccount account;
    /** The element-wise steps (extrapolation, the hidden z step, the a step's right-hand side) on the job's threads. */
    private final Passes passes;
    private final ForwardPass.Threaded forward;
    private final Passes.Range extrapolatePass = this::extrapolateRange;
    private final Passes.Range zPass = this::zRange;
    private final Passes.Range aRhsPass = this::aRhsRange;
    private double[] passX;
    private double[] passH;
    private double[] passT;
    private double passC;

    /** The epoch's partition, for checking a restored {@link #kept}. */
    private final int samples;
    private final int batchSize;

    Ipdlam(int[] sizes, Activation hidden, Loss loss, IpdlamParams p, int threads, int samples, int batchSize) {
        this.p = p;
        this.samples = samples;
        this.batchSize = batchSize;
        this.passes = Passes.of(threads);
        this.gemm = p.precision().products(passes);
        this.forward = new ForwardPass.Threaded(passes);
        this.lossProx = new LossProx(loss, sizes[sizes.length - 1]);
        this.sigma = hidden;
        this.slope = hidden.derivative(-1);
        this.d = sizes.clone();
        this.depth = sizes.length - 1;
        prevW = new R064Store[depth];
        prevB = new R064Store[depth];
        hatW = new R064Store[depth];
        hatB = new R064Store[depth];
        zSum = new R064Store[depth];
        aSum = new R064Store[depth];
        waSum = new R064Store[depth];
        eaT = new R064Store[depth];
        inputGram = new R064Store[depth];
        inputSpd = new Spd[depth];
        aGram = new R064Store[depth];
        aSpd = new Spd[depth];
        for (int l = 0; l < depth; l++) {
            prevW[l] = Ops.make(d[l + 1], d[l]);
            hatW[l] = Ops.make(d[l + 1], d[l]);
            prevB[l] = Ops.make(d[l + 1], 1);
            hatB[l] = Ops.make(d[l + 1], 1);
            zSum[l] = Ops.make(d[l + 1], 1);
            aSum[l] = Ops.make(d[l], 1);
            waSum[l] = Ops.make(d[l + 1], 1);
            if (l > 0) {
                int n = Math.min(d[l], d[l + 1]);
                aGram[l] = Ops.make(n, n);
                aSpd[l] = Spd.of(n, floatFactors());
            }
        }
        account = new PhiAccount(depth, hidden, loss);
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        if (!started) {
            for (int l = 0; l < depth; l++) {
                Ops.copy(net.weight(l), prevW[l]);
                Ops.copy(net.bias(l), prevB[l]);
            }
            if (p.mode() != IpdlamParams.Mode.MINIBATCH) kept = new float[batches.batchCount()][];
            if (p.mode() == IpdlamParams.Mode.FULL_BATCH) fullBatch = new FullBatch(this, d);
            started = true;
        }
        // step 8, once per epoch: ρ = min(θ^{epoch−1}ρ_0, ρ̄), from the epoch number so a resumed job continues the warm-up
        rho = Math.min(p.rho0() * Math.pow(p.theta(), batches.epoch() - 1), p.rhoMax());
        account.reset();
        if (fullBatch != null) {
            fullBatch.iteration(net, batches, cancel, kept);
        } else {
            for (Batch batch : batches) {
                cancel.check();
                Workspace w = workspace(batch.size());
                w.bind(batch);
                float[] state = kept == null ? null : kept[batch.index()];
                if (state == null) forwardInit(net, w);
                else w.load(state);
                for (int k = 0; k < p.iterations(); k++) iteration(net, w, state == null && k == 0);
                account.add(net, w);
                if (kept != null) kept[batch.index()] = w.save(state);
            }
        }
        return account.report(net, batches.samples(), rho);
    }

    /**
     * W^{k−1} and b^{k−1} of the inertial step 2, and in the kept modes every batch's z, a and their previous
     * iterates: the iterate carries all of them from one epoch into the next.
     */
    @Override
    public void saveState(SolverState out) {
        if (!started) return;
        for (int l = 0; l < depth; l++) {
            out.put("prevW/" + l, prevW[l].data);
            out.put("prevB/" + l, prevB[l].data);
        }
        if (kept != null) out.putAll("kept", kept);
    }

    @Override
    public void restoreState(SolverState in) {
        for (int l = 0; l < depth; l++) {
            in.copyInto("prevW/" + l, prevW[l].data);
            in.copyInto("prevB/" + l, prevB[l].data);
        }
        if (p.mode() != IpdlamParams.Mode.MINIBATCH) {
            int perColumn = 0;
            for (int l = 0; l < depth; l++) perColumn += 2 * d[l + 1];
            for (int l = 1; l < depth; l++) perColumn += 2 * d[l];
            int count = (samples + batchSize - 1) / batchSize;
            int[] lengths = new int[count];
            for (int j = 0; j < count; j++) lengths[j] = perColumn * Math.min(batchSize, samples - j * batchSize);
            kept = new float[count][];
            in.restoreAll("kept", kept, lengths);
            if (p.mode() == IpdlamParams.Mode.FULL_BATCH) fullBatch = new FullBatch(this, d);
        }
        started = true;
    }

    /**
     * One iteration of Algorithm 1 on the batch bound to {@code w}; {@code fresh}: the first after its forward pass.
     * In either order every z_l step then comes before anything changes W_l or a_{l−1} (the W and a steps of layer l
     * follow it, those of the layers above touch neither), so its W_l a_{l−1} + b_l is the forward pass's z_l.
     */
    private void iteration(Network net, Workspace w, boolean fresh) {
        // steps 1–3: inertial extrapolation of z, W (with b) and a
        for (int l = 0; l < depth; l++) extrapolate(w.z[l], w.zAux[l], p.alpha());
        for (int l = 1; l < depth; l++) extrapolate(w.a[l], w.aAux[l], p.gamma());
        extrapolateWeights(net);
        if (p.order() == IpdlamParams.Order.BLOCK) {
            for (int l = 0; l < depth; l++) zStep(net, w, l, fresh);
            for (int l = 0; l < depth; l++) wStep(net, w, l);
            for (int l = 1; l < depth; l++) aStep(net, w, l, true);
        } else {
            for (int l = depth - 1; l >= 0; l--) {
                zStep(net, w, l, fresh);
                wStep(net, w, l);
                if (l > 0) aStep(net, w, l, true);
            }
        }
    }

    /** x̂ = x^k + c(x^k − x^{k−1}), written over the buffer holding x^{k−1}. */
    void extrapolate(R064Store current, R064Store previousToHat, double c) {
        passX = current.data;
        passH = previousToHat.data;
        passC = c;
        passes.run(passX.length, extrapolatePass);
    }

    private void extrapolateRange(int from, int to) {
        double[] x = passX;
        double[] h = passH;
        double c = passC;
        for (int i = from; i < to; i++) h[i] = x[i] + c * (x[i] - h[i]);
    }

    /** Step 4 on [from, to): v ← (v + δẑ)/(1 + δ) in passX, z = S^σ(a, v, 1 + δ) into passH (ẑ's buffer), a in passT. */
    private void zRange(int from, int to) {
        double[] v = passX;
        double[] hat = passH;
        double[] target = passT;
        double delta = passC;
        double r = 1 + delta;
        for (int i = from; i < to; i++) v[i] = (v[i] + delta * hat[i]) / r;
        for (int i = from; i < to; i++) hat[i] = proxSigma(target[i], v[i], r);
    }

    /** Step 7's right-hand side on [from, to): r = σ(z_{l−1}) + δâ, r in passT, â in passH, z_{l−1} in passX. */
    private void aRhsRange(int from, int to) {
        double[] r = passT;
        double[] hat = passH;
        double[] zPrev = passX;
        double delta = passC;
        for (int i = from; i < to; i++) r[i] = sigma.apply(zPrev[i]) + delta * hat[i];
    }

    /** Step 2: Ŵ = W^k + β(W^k − W^{k−1}) (and b̂ likewise); W^{k−1} ← W^k. */
    void extrapolateWeights(Network net) {
        for (int l = 0; l < depth; l++) {
            hatInto(net.weight(l), prevW[l], hatW[l]);
            hatInto(net.bias(l), prevB[l], hatB[l]);
        }
    }

    private void hatInto(R064Store current, R064Store previous, R064Store hat) {
        double[] x = current.data;
        double[] v = previous.data;
        double[] h = hat.data;
        for (int i = 0; i < x.length; i++) {
            h[i] = x[i] + p.beta() * (x[i] - v[i]);
            v[i] = x[i];
        }
    }

    /** Steps 4 and 5: z_l from its σ prox (hidden) or the loss prox (output), around (W_l a_{l−1} + b_l + δẑ_l)/(1 + δ). */
    void zStep(Network net, Workspace w, int l) {
        zStep(net, w, l, false);
    }

    /** The same; {@code fresh}: W_l a_{l−1} + b_l is still w.z[l], as the forward pass left it (see iteration). */
    private void zStep(Network net, Workspace w, int l, boolean fresh) {
        R064Store pre = w.pq[l];
        if (fresh) Ops.copy(w.z[l], pre);
        else forward.affine(gemm, net, l, w.a[l], pre);
        double delta = p.delta();
        double[] v = pre.data;
        double[] hat = w.zAux[l].data;
        if (l < depth - 1) {
            // v = (W_l a_{l−1} + b_l + δẑ_l)/(1 + δ), then step 4: z_l = S^σ(a_l, v, 1 + δ), element by element over ẑ_l's buffer
            passX = v;
            passH = hat;
            passT = w.a[l + 1].data;
            passC = delta;
            passes.run(v.length, zPass);
        } else {
            for (int i = 0; i < v.length; i++) v[i] = (v[i] + delta * hat[i]) / (1 + delta);
            // step 5: z_L = P^ℒ(y, v, ρ(1 + δ))
            lossProx.apply(w.y, pre, rho * (1 + delta), w.zAux[l]);
        }
        w.swapZ(l);
    }

    /** argmin_x |σ(x) − t|² + r|x − v|² for piecewise-linear σ (slope 1 above 0, {@link #slope} below). */
    double proxSigma(double t, double v, double r) {
        double up = Math.max((t + r * v) / (1 + r), 0);
        double down = Math.min((slope * t + r * v) / (slope * slope + r), 0);
        double fu = (up - t) * (up - t) + r * (up - v) * (up - v);
        double fd = (slope * down - t) * (slope * down - t) + r * (down - v) * (down - v);
        return fu <= fd ? up : down;
    }

    /** Step 6: W_l = ((z_l − b_l)a_{l−1}ᵀ + δŴ_l)(a_{l−1}a_{l−1}ᵀ + δI)⁻¹, then the exact b_l (§3.1). */
    private void wStep(Network net, Workspace w, int l) {
        R064Store a = w.a[l];
        R064Store e = w.pq[l];
        R064Store weight = net.weight(l);
        // E = z_l − b_l^k − Ŵ_l a_{l−1}
        gemm.gemm(false, false, -1, hatW[l], a, 0, e);
        Ops.addDifferenceColumn(e, w.z[l], net.bias(l));
        int m = w.m;
        if (m <= d[l]) {
            // W = Ŵ + E(aᵀa + δI)⁻¹aᵀ
            R064Store g = w.gram[l];
            gemm.gram(true, 1, a, g);
            ridge(g, p.delta());
            w.gramSpd[l].factor(g);
            w.gramSpd[l].solveRight(e);
            Ops.copy(hatW[l], weight);
            gemm.gemm(false, true, 1, e, a, 1, weight);
        } else {
            // W = Ŵ + E aᵀ(aaᵀ + δI)⁻¹
            R064Store g = inputGram(l);
            gemm.gram(false, 1, a, g);
            ridge(g, p.delta());
            gemm.multiply(false, true, e, a, eaT[l]);
            inputSpd[l].factor(g);
            inputSpd[l].solveRight(eaT[l]);
            Ops.copy(hatW[l], weight);
            Ops.axpy(1, eaT[l], weight);
        }
        // b = (Σ_j (z_j − W^{k+1} a_j) + δ b̂)/(m + δ)
        Ops.rowSums(w.z[l], 1, zSum[l]);
        Ops.rowSums(a, 1, aSum[l]);
        bStep(net, l, m);
    }

    void bStep(Network net, int l, double count) {
        // a matrix-vector product: float32 copies of W would cost more than it does, so float64 always
        Gemm.get().multiply(false, false, net.weight(l), aSum[l], waSum[l]);
        double[] b = net.bias(l).data;
        double[] zs = zSum[l].data;
        double[] was = waSum[l].data;
        double[] hb = hatB[l].data;
        for (int i = 0; i < b.length; i++) b[i] = (zs[i] - was[i] + p.delta() * hb[i]) / (count + p.delta());
    }

    /** g += max(δ, 1e-6 · mean diagonal)·I. */
    static void ridge(R064Store g, double delta) {
        double meanDiagonal = Ops.trace(g) / Ops.rows(g);
        Ops.addDiagonal(g, Math.max(delta, GRAM_FLOOR * Math.max(meanDiagonal, 1e-12)));
    }

    private R064Store inputGram(int l) {
        if (inputGram[l] == null) {
            inputGram[l] = Ops.make(d[l], d[l]);
            inputSpd[l] = Spd.of(d[l], floatFactors());
            eaT[l] = Ops.make(d[l + 1], d[l]);
        }
        return inputGram[l];
    }

    /**
     * Step 7: a_{l−1} = argmin ‖a − σ(z_{l−1})‖² + ‖z_l − W_l a − b_l‖² + δ‖a − â‖², i.e.
     * (W_lᵀW_l + (1 + δ)I) a = σ(z_{l−1}) + δâ + W_lᵀ(z_l − b_l), with the new W_l, b_l and z.
     * Here l indexes the layer whose input is updated (the workspace's a[l]).
     */
    void aStep(Network net, Workspace w, int l, boolean factor) {
        R064Store weight = net.weight(l);
        double c = 1 + p.delta();
        R064Store rhs = w.rhs[l];
        passT = rhs.data;
        passH = w.aAux[l].data;
        passX = w.z[l - 1].data;
        passC = p.delta();
        passes.run(rhs.data.length, aRhsPass);
        R064Store t = w.pq[l];
        Ops.copy(w.z[l], t);
        Ops.subtractColumn(t, net.bias(l));
        gemm.gemm(true, false, 1, weight, t, 1, rhs);
        R064Store g = aGram[l];
        if (d[l + 1] >= d[l]) {
            if (factor) {
                gemm.gram(true, 1, weight, g);
                Ops.addDiagonal(g, c);
                aSpd[l].factor(g);
            }
            aSpd[l].solveLeft(rhs);
        } else {
            // Woodbury: (WᵀW + cI)⁻¹r = (r − Wᵀ(WWᵀ + cI)⁻¹W r)/c
            if (factor) {
                gemm.gram(false, 1, weight, g);
                Ops.addDiagonal(g, c);
                aSpd[l].factor(g);
            }
            gemm.multiply(false, false, weight, rhs, t);
            aSpd[l].solveLeft(t);
            gemm.gemm(true, false, -1 / c, weight, t, 1 / c, rhs);
        }
        w.rotateA(l);
    }

    /**
     * params.factors: the Cholesky factors and solves ({@link Spd}) in float32; never with δ = 0, where the W step's
     * aᵀa is floored only at {@link #GRAM_FLOOR} of its mean diagonal, too near singular for float32.
     */
    boolean floatFactors() {
        return p.factors() == Precision.FLOAT32 && p.delta() > 0;
    }

    Workspace workspace(int m) {
        return buffers.get(m, size -> new Workspace(d, size, p.mode() != IpdlamParams.Mode.FULL_BATCH, floatFactors()));
    }

    void forwardInit(Network net, Workspace w) {
        w.forwardInit(gemm, forward, net, sigma);
    }
}
