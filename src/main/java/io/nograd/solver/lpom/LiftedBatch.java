package io.nograd.solver.lpom;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Activation;
import io.nograd.nn.Float32Gemm;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Gemm;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Spd;
import io.nograd.solver.SolverState;

/**
 * The lifted variables of one mini-batch and the three block updates of LPOM on them, for one batch size m
 * (a solver keeps at most two: full batches and the epoch's last). Indices are the paper's: X^1 is the
 * input, X^n the output, W^i maps X^i to X^{i+1} (the network's {@code weight(i - 1)}).
 * <p>
 * Each block update touches only its own layer's buffers and reads its neighbours', so the updates of
 * non-adjacent X^i, and all W^i, may run on different threads at once (Algorithm 3). The pre-activations
 * W^{i-1}X^{i-1} + b^{i-1} are cached per layer and recomputed only when X^{i-1} moved: each is read by
 * X^{i-1} and X^i, which are never in the same parallel group.
 */
final class LiftedBatch {

    /** Power-iteration steps per hidden layer and batch for ρ̂ (warm-started from the layer's previous batch). */
    private static final int RHO_STEPS = 6;

    /**
     * gemm[i]: the products of the updates of layer i (X^i, or W^i), in params.precision. One instance per layer because a
     * {@link Float32Gemm} keeps buffers: the updates that may run at once (Algorithm 3's odd or even layers, or all W^i)
     * each use their own layer's, including for the pre-activations they refresh.
     */
    private final Gemm[] gemm;
    private final int n;
    private final int m;
    private final LpomParams p;
    private final Loss loss;
    /** x[i] = X^i, i = 1..n; x[1] is the batch's input, the others are owned here. */
    private final R064Store[] x;
    /** pre[i] = W^{i-1}X^{i-1} + b^{i-1}·1ᵀ, valid while fresh[i]. */
    private final R064Store[] pre;
    private final boolean[] fresh;
    /** X̃^i, the fixed-point iterate before the moving average. */
    private final R064Store[] tilde;
    /** diff[i] = φ(W^{i-1}X̃^{i-1} + b^{i-1}) − X^i (hidden i-1) or ∂ℓ/∂X^n (output), scratch of the update of X^{i-1} resp. X^n. */
    private final R064Store[] diff;
    /** inner[i] = W^i X̃^i + b^i for the second and later of K3 iterations of eq. (26). */
    private final R064Store[] inner;
    private final WeightStep[] weights;
    /** Per hidden layer, with {@code hiddenStep = newton}: its {@link NewtonStep} (null otherwise). */
    private final NewtonStep[] newton;
    /** ρ̂ per hidden layer for the current batch (−1: not yet computed); see {@link #estimateRho} and {@link #average}. */
    private final double[] rho;
    /** Per hidden layer i with {@code hiddenStep = averaged} or {@code chebyshev}: the power iterate of {@link #estimateRho}
     *  (rows_i × m, kept as the next batch's start), √φ′ of X^i's pre-activations, and W^i times the iterate. */
    private final R064Store[] power;
    private final R064Store[] slope;
    private final R064Store[] upper;
    /** Per hidden layer i on Chebyshev's schedule ({@link #chebyshev}): ρ̂_j of each sample j for the current batch. */
    private final double[][] curvature;
    /** Per hidden layer: its updates so far in this batch, the index into Chebyshev's schedule. */
    private final int[] updates;
    /**
     * Per weight matrix W^i, the spread per sample of its inputs at the job's first batch (−1 before it), below which the
     * W step's ridge does not follow them ({@link WeightStep}); the solver's, shared by its workspaces and kept in its state.
     */
    private final double[] spreadFloor;
    /** ‖X̃^i − X^i‖_F of layer i's latest update in this batch (0 before the first): the fixed-point residual. */
    private final double[] lastStep;
    /** Σ over this batch's second and later sweeps of ‖X̃ − X‖ at this sweep, resp. at the one before. */
    private final double[] stepNow;
    private final double[] stepBefore;

    /** With {@code p} as {@link LpomParams#resolved} made it for the net; unresolved parameters (k1 = 0, {@code auto}) are refused. */
    LiftedBatch(int[] sizes, int m, LpomParams p, Loss loss) {
        this(sizes, m, p, loss, freshSpreadFloor(sizes.length));
    }

    /** The same, with the solver's {@code spreadFloor} (length n, −1 where not yet taken). */
    LiftedBatch(int[] sizes, int m, LpomParams p, Loss loss, double[] spreadFloor) {
        if (p.k1() < 1 || p.hiddenStep() == LpomParams.HiddenStep.AUTO) {
            throw new IllegalArgumentException("LPOM's parameters must be resolved for the net's activation first: " + p);
        }
        this.spreadFloor = spreadFloor;
        this.n = sizes.length;
        this.m = m;
        this.p = p;
        this.loss = loss;
        x = new R064Store[n + 1];
        pre = new R064Store[n + 1];
        fresh = new boolean[n + 1];
        tilde = new R064Store[n + 1];
        diff = new R064Store[n + 1];
        inner = new R064Store[n + 1];
        weights = new WeightStep[n];
        gemm = new Gemm[n + 1];
        for (int i = 1; i <= n; i++) gemm[i] = p.precision().products();
        lastStep = new double[n + 1];
        rho = new double[n + 1];
        stepNow = new double[n + 1];
        stepBefore = new double[n + 1];
        power = new R064Store[n + 1];
        slope = new R064Store[n + 1];
        upper = new R064Store[n + 1];
        newton = new NewtonStep[n + 1];
        curvature = new double[n + 1][];
        updates = new int[n + 1];
        boolean averaged = p.hiddenStep() != LpomParams.HiddenStep.NEWTON;
        boolean schedule = p.hiddenStep() == LpomParams.HiddenStep.CHEBYSHEV;
        for (int i = 2; i <= n; i++) {
            int rows = sizes[i - 1];
            x[i] = Ops.make(rows, m);
            pre[i] = Ops.make(rows, m);
            tilde[i] = Ops.make(rows, m);
            diff[i] = Ops.make(rows, m);
            if (p.k3() > 1 && i < n) inner[i] = Ops.make(sizes[i], m);
            if (i < n && !averaged) {
                newton[i] = new NewtonStep(rows, sizes[i], m);
            } else if (i < n) {
                power[i] = Ops.make(rows, m);
                java.util.Arrays.fill(power[i].data, 1);
                slope[i] = Ops.make(rows, m);
                upper[i] = Ops.make(sizes[i], m);
                // Chebyshev's steps at the top hidden layer and every second one below: never two neighbours
                if (schedule && (n - 1 - i) % 2 == 0) curvature[i] = new double[m];
            }
        }
        for (int i = 1; i < n; i++) weights[i] = new WeightStep(sizes[i], m);
    }

    /** A spread floor per weight matrix (index i = 1..n−1), none taken yet. */
    static double[] freshSpreadFloor(int n) {
        double[] floor = new double[n];
        java.util.Arrays.fill(floor, -1);
        return floor;
    }

    int columns() { return m; }

    /** X^i. */
    R064Store x(int i) { return x[i]; }

    /** X^1 = the batch's input; X^2..X^n by a forward pass with the current weights (nothing survives from the last batch). */
    void initialise(Network net, R064Store input) {
        begin(input);
        forward(net, 0, m);
        forwardDone();
    }

    /** Starts a batch: X^1 = input; X^2..X^n follow from {@link #forward} over all columns, then {@link #forwardDone}. */
    void begin(R064Store input) {
        x[1] = input;
        java.util.Arrays.fill(rho, -1);
        java.util.Arrays.fill(lastStep, 0);
        java.util.Arrays.fill(stepNow, 0);
        java.util.Arrays.fill(stepBefore, 0);
        java.util.Arrays.fill(updates, 0);
    }

    /** X^n ← D: Algorithm 1's start for ⓐ ({@code order = algorithm-1}); the forward pass's X^n is discarded. */
    void startOutputAt(R064Store target) {
        Ops.copy(target, x[n]);
    }

    /** ‖X̃^i − X^i‖_F of layer i's latest update: the fixed-point residual of eq. (26) resp. (29). */
    double lastStep(int i) { return lastStep[i]; }

    /** Σ ‖X̃^i − X^i‖ over the batch's second and later sweeps of layer i. */
    double stepNow(int i) { return stepNow[i]; }

    /** The same sum, each term taken one sweep earlier: stepNow/stepBefore is the sweeps' contraction. */
    double stepBefore(int i) { return stepBefore[i]; }

    /** The forward pass on samples [from, to) only: samples are independent, so threads may share the columns. */
    void forward(Network net, int from, int to) {
        for (int i = 2; i <= n; i++) ForwardPass.layer(net, i - 2, x[i - 1], pre[i], phi(net, i), x[i], from, to);
    }

    /** Every W^{i-1}X^{i-1} + b^{i-1} now matches X^{i-1}. */
    void forwardDone() {
        for (int i = 2; i <= n; i++) fresh[i] = true;
    }

    /**
     * Eq. (29), K3 times from X̃ = X^n: X̃ ← φ(W^{n-1}X^{n-1} + b − (1/μ)·∂ℓ(X̃, D)/∂X^n); then the moving
     * average X^n ← ν·X̃ + (1 − ν)·X^n. ℓ is the loss summed over the batch, so μ does not depend on m.
     */
    void updateOutput(Network net, R064Store target) {
        R064Store z = pre(net, n, gemm[n]);
        R064Store t = tilde[n];
        R064Store grad = diff[n];
        Ops.copy(x[n], t);
        for (int k = 0; k < p.k3(); k++) {
            loss.gradient(t, target, grad);
            fixedPoint(phi(net, n), z, -1 / p.mu(), grad, t);
        }
        average(n);
    }

    /**
     * Eq. (26), K3 times from X̃ = X^i (1 < i < n):
     * X̃ ← φ(W^{i-1}X^{i-1} + b^{i-1} − (μ_{i+1}/μ_i)·(W^i)ᵀ(φ(W^i X̃ + b^i) − X^{i+1})), with μ_{i+1}/μ_i from
     * {@link LpomParams#ratio} (1 with one μ, §6.1.3) and the bias column of [W^i b^i] dropped from the transpose
     * (the ones row of X^i is not a variable); then {@link NewtonStep} or the moving average X^i ← ν·X̃ + (1 − ν)·X^i.
     */
    void updateHidden(Network net, int i) {
        Gemm g = gemm[i];
        R064Store z = pre(net, i, g);
        R064Store t = tilde[i];
        R064Store d = diff[i + 1];
        Activation next = phi(net, i + 1);
        double ratio = p.ratio(net, i);
        if (newton[i] == null && rho[i] < 0) rho[i] = estimateRho(net, i, z, pre(net, i + 1, g), next, ratio);
        for (int k = 0; k < p.k3(); k++) {
            R064Store above;
            if (k == 0) {
                above = pre(net, i + 1, g);
            } else {
                above = inner[i];
                ForwardPass.affine(g, net, i - 1, t, above);
            }
            next.apply(above.data, d.data, d.data.length);
            Ops.axpy(-1, x[i + 1], d);
            // t ← (W^i)ᵀ d, then t ← φ(z − t)
            g.multiply(true, false, net.weight(i - 1), d, t);
            fixedPoint(phi(net, i), z, -ratio, t, t);
        }
        if (newton[i] != null) newton[i].step(net, i, z, ratio); else average(i);
    }

    /**
     * Algorithm 2 with the least-squares step (36) on problem (31) for W^i, in the augmented form
     * [W^i b^i]·[X^i; 1ᵀ]; see {@link WeightStep}. Adds this layer's residual and objective terms to {@code figures}.
     */
    void updateWeights(Network net, int i, EpochFigures figures) {
        weights[i].run(net, i, pre(net, i + 1, gemm[i]), figures);
    }

    /** ℓ(X^n, D), summed over the batch. */
    double loss(R064Store target) {
        return loss.value(x[n], target);
    }

    /** ρ̂ of hidden layer i for the current batch (−1 before its first update in the batch). */
    double rho(int i) { return rho[i]; }

    /** ρ̂_j of sample j at hidden layer i for the current batch, where that layer takes Chebyshev's steps. */
    double rho(int i, int j) { return curvature[i][j]; }

    /**
     * ρ̂ of Theorem 2 for hidden layer i at the batch's current point, from the map's actual Jacobian, times
     * {@code ratio} = μ_{i+1}/μ_i: with μ_{i+1}/μ_i = 1, eq. (26) linearised at sample j is −S_j²(W^i)ᵀD_jW^i,
     * S_j² = diag φ′ of X^i's pre-activations, D_j = diag φ′ of X^{i+1}'s (for ReLU: the active units), similar to
     * −S_jWᵀD_jWS_j. Theorem 2's κ²‖W^i‖₂² bounds it over every sample and every mask at once, also through
     * directions a sample's inactive units never see. ρ̂ = ‖S WᵀD W S V‖/‖V‖ after
     * {@link #RHO_STEPS} power steps on the whole batch at once (V is rows × m, normalised over the batch, warm-started
     * from the layer's previous batch): the top curvature of the batch's typical sample, below its worst sample's.
     * The operator acts on each column alone, so column j is sample j's own power iterate, and where the layer takes
     * Chebyshev's steps its last step's ‖y_j‖/‖v_j‖ is that sample's ρ̂_j.
     * Two products the size of one sweep's per step; the scratch is this layer's own (X̃^i, diff[i + 1]).
     */
    private double estimateRho(Network net, int i, R064Store zi, R064Store zNext, Activation next, double ratio) {
        R064Store w = net.weight(i - 1);
        double[] s = slope[i].data;
        phi(net, i).derivative(zi.data, s, s.length);
        for (int e = 0; e < s.length; e++) s[e] = Math.sqrt(s[e]);
        double[] d = diff[i + 1].data;
        next.derivative(zNext.data, d, d.length);
        double[] v = power[i].data;
        double[] y = tilde[i].data;
        double[] u = upper[i].data;
        double estimate = 0;
        for (int step = 0; step < RHO_STEPS; step++) {
            for (int e = 0; e < y.length; e++) y[e] = s[e] * v[e];
            gemm[i].multiply(false, false, w, tilde[i], upper[i]);
            for (int e = 0; e < u.length; e++) u[e] *= d[e];
            gemm[i].multiply(true, false, w, upper[i], tilde[i]);
            double ny = 0;
            double nv = 0;
            for (int e = 0; e < y.length; e++) {
                y[e] *= s[e];
                ny += y[e] * y[e];
                nv += v[e] * v[e];
            }
            ny = Math.sqrt(ny);
            if (ny == 0) {
                // no active path through this layer: nothing to damp; restart the iterate from ones
                java.util.Arrays.fill(v, 1);
                if (curvature[i] != null) java.util.Arrays.fill(curvature[i], 0);
                return 0;
            }
            estimate = ratio * (ny / Math.sqrt(nv));
            if (step == RHO_STEPS - 1 && curvature[i] != null) perSample(y, v, ratio, curvature[i]);
            for (int e = 0; e < y.length; e++) v[e] = y[e] / ny;
        }
        return estimate;
    }

    /** out[j] = ratio·‖y_j‖/‖v_j‖ over the columns j of y and v (rows × m, column-major). */
    private void perSample(double[] y, double[] v, double ratio, double[] out) {
        int rows = y.length / m;
        for (int j = 0; j < m; j++) {
            double ny = 0;
            double nv = 0;
            for (int e = j * rows; e < (j + 1) * rows; e++) {
                ny += y[e] * y[e];
                nv += v[e] * v[e];
            }
            out[j] = nv > 0 ? ratio * Math.sqrt(ny / nv) : 0;
        }
    }

    /** Each hidden layer's power iterate of {@link #estimateRho} (averaged and Chebyshev steps; nothing else outlives a batch), under {@code prefix}. */
    void saveState(SolverState out, String prefix) {
        for (int i = 2; i < n; i++) if (power[i] != null) out.put(prefix + "power/" + i, power[i].data);
    }

    void restoreState(SolverState in, String prefix) {
        for (int i = 2; i < n; i++) if (power[i] != null) in.copyInto(prefix + "power/" + i, power[i].data);
    }

    /** The batch size whose state {@link #saveState} put under {@code prefix}, or 0 when none (a net without hidden layers). */
    static int columnsIn(SolverState in, String prefix, int[] sizes) {
        int length = in.length(prefix + "power/2");
        if (length < 0) return 0;
        if (sizes.length < 3 || length % sizes[1] != 0) throw new SolverState.Mismatch(prefix + "power/2 does not fit layer 2");
        return length / sizes[1];
    }

    /** W^{i-1}X^{i-1} + b^{i-1}, recomputed through {@code g} (the caller's layer's) if X^{i-1} moved since. */
    private R064Store pre(Network net, int i, Gemm g) {
        if (!fresh[i]) {
            ForwardPass.affine(g, net, i - 2, x[i - 1], pre[i]);
            fresh[i] = true;
        }
        return pre[i];
    }

    /** The activation producing X^i. */
    private static Activation phi(Network net, int i) {
        return net.activation(i - 2);
    }

    /** out ← φ(z + s·v); out may be v. */
    private static void fixedPoint(Activation phi, R064Store z, double s, R064Store v, R064Store out) {
        double[] a = z.data;
        double[] b = v.data;
        double[] o = out.data;
        for (int j = 0; j < o.length; j++) o[j] = phi.apply(a[j] + s * b[j]);
    }

    /**
     * Footnote 5 / Algorithm 3: X^i ← ν·X̃^i + (1 − ν)·X^i; W^i X^i is stale afterwards. For a hidden layer ν is
     * capped at 2/(2 + ρ̂) ({@link #estimateRho}): the map (26) converges by itself only for ρ < 1 (Theorem 2); with
     * eigenvalues of its linearisation down to −ρ̂ the averaged step X + ν(T(X) − X) has factors 1 − ν(1 + σ) and
     * contracts, to the same fixed point, for ν < 2/(1 + ρ̂), fastest at 2/(2 + ρ̂) (Krasnosel'skii–Mann).
     */
    private void average(int i) {
        if (curvature[i] != null) {
            chebyshev(i);
            return;
        }
        double nu = p.nu();
        if (i < n) nu = Math.min(nu, 2 / (2 + rho[i]));
        double[] xi = x[i].data;
        double[] t = tilde[i].data;
        double step = 0;
        for (int j = 0; j < xi.length; j++) {
            double d = t[j] - xi[j];
            step += d * d;
            xi[j] = nu * t[j] + (1 - nu) * xi[j];
        }
        moved(i, Math.sqrt(step));
    }

    /**
     * {@code hiddenStep = chebyshev}: the k-th of a batch's K1 updates of X^i (k = 0 … K1 − 1, cyclic beyond) moves sample j
     * by X_j ← X_j + ν_{j,k}(X̃_j − X_j), ν_{j,k} = min(1, 2ν)/(1 + (ρ̂_j/2)(1 + cos((2k + 1)π/(2K1)))): the Chebyshev
     * steps for the factors 1 − ν(1 + σ) on that sample's own [1, 1 + ρ̂_j], which leave at most 1/T_K1((2 + ρ̂_j)/ρ̂_j) of
     * its error in every direction against the constant cap's (ρ̂/(2 + ρ̂))^K1 (one step: the cap). Shortest step first,
     * so the last, longest, leaves X^i nearest the fixed point for the latest X^{i+1} (the output moves in every sweep).
     * Taken at the top hidden layer and every second one below, the others averaged: with neighbouring layers on the
     * schedule, the long steps of both in one sweep made the 784×6 autoencoder diverge (bench/results/lpom.md).
     */
    private void chebyshev(int i) {
        int k1 = p.k1();
        double node = 1 + Math.cos((2 * (updates[i]++ % k1) + 1) * Math.PI / (2 * k1));
        double scale = Math.min(1, 2 * p.nu());
        double[] rhoJ = curvature[i];
        double[] xi = x[i].data;
        double[] t = tilde[i].data;
        int rows = xi.length / m;
        double step = 0;
        for (int j = 0; j < m; j++) {
            double nu = scale / (1 + rhoJ[j] / 2 * node);
            for (int e = j * rows; e < (j + 1) * rows; e++) {
                double d = t[e] - xi[e];
                step += d * d;
                xi[e] = nu * t[e] + (1 - nu) * xi[e];
            }
        }
        moved(i, Math.sqrt(step));
    }

    /** Layer i moved after a fixed-point step of size ‖X̃^i − X^i‖ = step: the sweeps' figures; W^i X^i is stale. */
    private void moved(int i, double step) {
        if (lastStep[i] > 0) {
            stepNow[i] += step;
            stepBefore[i] += lastStep[i];
        }
        lastStep[i] = step;
        if (i < n) fresh[i + 1] = false;
    }

    /**
     * {@code hiddenStep = newton}: X^i ← Π(X^i + (I + r·S(W^i)ᵀD W^i)⁻¹(X̃^i − X^i)), r = μ_{i+1}/μ_i, Π keeping it in
     * φ's range (the domain of f in eq. (19)): the projection onto a bound φ attains (ReLU's 0); where the step leaves an
     * open range (sigmoid's, tanh's), X̃^i instead, which is always inside: f′ = φ⁻¹ is infinite on an open range's bounds,
     * so no minimiser of (19) lies there. Eq. (26) linearised at sample j is X ↦ c − r·S_j(W^i)ᵀD_jW^iX, S_j and D_j
     * the slopes φ′ at X^i's and X^{i+1}'s pre-activations, so with S_j = S and D_j = D this is Newton's step on its
     * fixed-point equation X = T(X). One S and D serve the batch, per unit: S the batch's mean slope, D the batch's
     * largest. D enters through the sum over the units above, where a sparse layer (the output of a one-hot MSE net, one
     * of ten units active per sample) has a mean slope far below each sample's own active unit's: the step then overshoots
     * and the sweeps across the output and a hidden layer grow instead of contracting (LpomDeepNetTest); the largest
     * slope in S as well makes the step too short to learn at the paper's pace (bench/results/lpom.md, session 19). Where
     * X̃ lies on the boundary of φ's range (an inactive ReLU unit), φ′ = 0 at eq. (26)'s argument, that sample's row of
     * the linearisation is the identity's, and its Newton step is X̃ itself. The inverse goes through the push-through
     * identity (I + UV)⁻¹ = I − U(I + VU)⁻¹V on the smaller side: with B = D^½W^iS^½ the factored matrix is I + r·BBᵀ
     * (up × up, U = S(W^i)ᵀD^½, V = r·D^½W^i) or I + r·BᵀB (rows × rows, U = S^½, V = r·S^½(W^i)ᵀDW^i), positive definite.
     */
    private final class NewtonStep {
        /** √S per unit of X^i and √D per unit of X^{i+1}. */
        private final double[] s;
        private final double[] d;
        private final boolean upSide;
        private final R064Store b;
        private final R064Store k;
        private final Spd spd;
        /** rows × m: the slopes, then U(I + VU)⁻¹V(X̃ − X). */
        private final R064Store below;

        NewtonStep(int rows, int up, int m) {
            s = new double[rows];
            d = new double[up];
            upSide = up <= rows;
            b = Ops.make(up, rows);
            int side = Math.min(rows, up);
            k = Ops.make(side, side);
            spd = new Spd(side);
            below = Ops.make(rows, m);
        }

        /** On entry X̃^i is eq. (26)'s iterate; diff[i + 1] (up × m) is free scratch once its iterations are done. */
        void step(Network net, int i, R064Store z, double ratio) {
            R064Store w = net.weight(i - 1);
            R064Store above = diff[i + 1];
            Gemm g = gemm[i];
            Activation phi = phi(net, i);
            slopes(phi, z, below, s, false);
            slopes(phi(net, i + 1), pre(net, i + 1, g), above, d, true);
            double[] bb = b.data;
            double[] ww = w.data;
            int up = d.length;
            for (int c = 0; c < s.length; c++) {
                for (int q = 0; q < up; q++) bb[c * up + q] = ww[c * up + q] * d[q] * s[c];
            }
            g.gram(!upSide, ratio, b, k);
            Ops.addDiagonal(k, 1);
            spd.factor(k);
            // v = X̃ − X; above ← r·D^½W v = r·D^½(W X̃ + b − (W X + b)), solved on the up side; below ← S^½(W^i)ᵀD^½(…),
            // solved on the rows side
            ForwardPass.affine(g, net, i - 1, tilde[i], above);
            Ops.axpy(-1, pre(net, i + 1, g), above);
            scaleRows(above, d, ratio);
            if (upSide) spd.solveLeft(above);
            scaleRows(above, d, 1);
            g.multiply(true, false, w, above, below);
            scaleRows(below, s, 1);
            if (!upSide) spd.solveLeft(below);
            scaleRows(below, s, 1);
            // X ← Π(X + v − U(I + VU)⁻¹V v)
            double lo = phi.lower();
            double hi = phi.upper();
            boolean closed = phi.attainsBounds();
            double[] xi = x[i].data;
            double[] t = tilde[i].data;
            double[] u = below.data;
            double step = 0;
            for (int e = 0; e < xi.length; e++) {
                step += (t[e] - xi[e]) * (t[e] - xi[e]);
                double newton = t[e] - u[e];
                // X̃ on the range's boundary: φ′ = 0 at eq. (26)'s argument, that sample's row of the linearisation is the
                // identity's, and Newton's step for it is X̃ itself. A step that leaves an open range (sigmoid's, tanh's)
                // overshot: its bound is no minimiser, so X̃ (always inside) stands in for it
                if (t[e] == lo || t[e] == hi) xi[e] = t[e];
                else if (newton > lo && newton < hi) xi[e] = newton;
                else xi[e] = closed ? Math.min(hi, Math.max(lo, newton)) : t[e];
            }
            moved(i, Math.sqrt(step));
        }

        /** out[q] = √ of the batch's mean ({@code largest}: largest) φ′ at row q of z, via scratch (z's size). */
        private void slopes(Activation phi, R064Store z, R064Store scratch, double[] out, boolean largest) {
            double[] slope = scratch.data;
            phi.derivative(z.data, slope, slope.length);
            int rows = out.length;
            java.util.Arrays.fill(out, 0);
            for (int e = 0; e < slope.length; e += rows) {
                for (int q = 0; q < rows; q++) out[q] = largest ? Math.max(out[q], slope[e + q]) : out[q] + slope[e + q];
            }
            double columns = (double) slope.length / rows;
            for (int q = 0; q < rows; q++) out[q] = Math.sqrt(largest ? out[q] : out[q] / columns);
        }
    }

    /** Row q of a (rows × columns) times c·f[q]. */
    private static void scaleRows(R064Store a, double[] f, double c) {
        double[] v = a.data;
        int rows = f.length;
        for (int e = 0; e < v.length; e += rows) {
            for (int q = 0; q < rows; q++) v[e + q] *= c * f[q];
        }
    }

    /**
     * Algorithm 2 for W^i, run in the m-dimensional sample space. With A = [X^i; 1ᵀ] (the bias as a ones row), each step
     * minimises the majorised (35) plus the proximal term (βλ/2)‖[W b] − Y‖²: eq. (36) with the ridge pseudo-inverse
     * A^† = (AᵀA + λI)⁻¹Aᵀ. λ = lambda × tr(X_c X_cᵀ)/n_in, the mean eigenvalue of the batch's centred activation
     * covariance (X_c = X^i less its row means), so the step does not depend on the layer's activation scale, width or m,
     * and a large common mean (sigmoid's ≈ 0.5) does not inflate it; but never below that figure per sample at the job's
     * first batch: (19) leaves W unregularised, so a layer's inputs may shrink while its weights grow to make up for it,
     * and a ridge that followed the shrinking spread would stop resisting the drift (deep tanh's collapse,
     * bench/results/lpom.md, session 20). Every iterate is W₀ + Q·Aᵀ for an n_out × m matrix
     * Q, with pre-activations W₀A + Q·AᵀA, so the K2 steps cost products with the m × m Gram matrix only, and W^i, b^i
     * are written once.
     */
    private final class WeightStep {
        private final R064Store gram;
        private final Spd ridge;
        private final R064Store q;
        private final R064Store qPrev;
        private final R064Store y;
        private final R064Store z;
        private final R064Store r;

        WeightStep(int out, int m) {
            gram = Ops.make(m, m);
            ridge = new Spd(m);
            q = Ops.make(out, m);
            qPrev = Ops.make(out, m);
            y = Ops.make(out, m);
            z = Ops.make(out, m);
            r = Ops.make(out, m);
        }

        void run(Network net, int i, R064Store z0, EpochFigures figures) {
            R064Store a = x[i];
            R064Store target = x[i + 1];
            Activation phi = phi(net, i + 1);
            double beta = phi.lipschitz();
            Gemm products = gemm[i];
            products.multiply(true, false, a, a, gram);
            double[] g = gram.data;
            // tr(X_c X_cᵀ) = tr(XᵀX) − ‖X1‖²/m; then AᵀA = XᵀX + 11ᵀ
            double trace = Ops.trace(gram);
            double sum = 0;
            for (int j = 0; j < g.length; j++) {
                sum += g[j];
                g[j] += 1;
            }
            double spread = (trace - sum / m) / Ops.rows(a);
            if (spreadFloor[i] < 0) spreadFloor[i] = spread / m;
            else spread = Math.max(spread, spreadFloor[i] * m);
            double lambda = p.lambda() * spread + 1e-12;
            Ops.addDiagonal(gram, lambda);
            ridge.factor(gram);
            Ops.addDiagonal(gram, -lambda);
            // Algorithm 2: x_0 = x_1 = W₀ (Q = 0), θ_0 = 0
            java.util.Arrays.fill(q.data, 0);
            java.util.Arrays.fill(qPrev.data, 0);
            double thetaPrev = 0;
            for (int k = 1; k <= p.k2(); k++) {
                // 1 − θ_k = √θ_k (1 − θ_{k-1})
                double c = 1 - thetaPrev;
                double sqrtTheta = (-c + Math.sqrt(c * c + 4)) / 2;
                // y_k = θ_k x_k − √θ_k (θ_{k-1} x_{k-1} − x_k) = x_k + √θ_k θ_{k-1} (x_k − x_{k-1})
                double momentum = sqrtTheta * thetaPrev;
                double[] yq = y.data;
                double[] qq = q.data;
                double[] qp = qPrev.data;
                for (int j = 0; j < yq.length; j++) yq[j] = qq[j] + momentum * (qq[j] - qp[j]);
                // y_k A = W₀A + Q_y·AᵀA
                Ops.copy(z0, z);
                products.gemm(false, false, 1, y, gram, 1, z);
                // eq. (36): x_{k+1} = y_k − (1/β)(φ(y_k A) − X^{i+1}) A^†
                phi.apply(z.data, r.data, r.data.length);
                Ops.axpy(-1, target, r);
                ridge.solveRight(r);
                Ops.copy(q, qPrev);
                Ops.copy(y, q);
                Ops.axpy(-1 / beta, r, q);
                thetaPrev = sqrtTheta * sqrtTheta;
            }
            // W ← W₀ + Q·Xᵀ, b ← b₀ + Q·1
            products.gemm(false, true, 1, q, a, 1, net.weight(i - 1));
            double[] bias = net.bias(i - 1).data;
            double[] qq = q.data;
            int rows = bias.length;
            double onesStep = 0;
            for (int k = 0; k < rows; k++) {
                double s = 0;
                for (int j = 0; j < m; j++) s += qq[j * rows + k];
                bias[k] += s;
                onesStep += s * s;
            }
            // the new W^i X^i + b^i, for the residual and F(W, X)
            Ops.copy(z0, z);
            products.gemm(false, false, 1, q, gram, 1, z);
            // ‖ΔW‖²_F = ‖Q Xᵀ‖² = ⟨Q, Q·XᵀX⟩ = ⟨Q, z − z0⟩ − ‖Q1‖²
            double moved = Math.sqrt(Math.max(0, Ops.dot(q, z) - Ops.dot(q, z0) - onesStep));
            figures.add(i, phi, target, z, r);
            figures.addWeightStep(i, moved, Ops.norm(net.weight(i - 1)));
        }
    }
}
