package io.nograd.solver.dlam;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.nn.Activation;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Gemm;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.solver.BatchBuffers;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.LossProx;
import io.nograd.solver.Solver;

/**
 * DLAM, Algorithm 1 of "Gradient-free Neural Network Training by Multi-convex Alternating Optimization"
 * (ICLR 2020 submission): Problem 2,
 * F(W, b, z, a) = R(z_L; y) + Σ_l (ρ/2)‖z_l − W_l a_{l−1} − b_l‖² + Σ_l I(h(z_l) − ε ≤ a_l ≤ h(z_l) + ε),
 * minimised layer by layer: W_l by Algorithm 2, b_l by eq. (3), z_l by eq. (4) (or eq. (5) for the output),
 * a_l by Algorithm 3. The network's W, b are the solver's W, b; accuracy is a plain forward pass with them.
 * The objective reported per epoch is F at the end of the iteration (the indicators are 0 there: every step
 * keeps the ε-balls feasible).
 * <p>
 * Choices the paper leaves open (the runs that decided them: bench/results/dlam.md):
 * <ul>
 * <li><b>Iterations and epochs.</b> The paper is full-batch and counts iterations ("one iteration means one
 * epoch"). The default batch size is 60000, the whole Fashion-MNIST training set (capped to the training
 * set), so one epoch is one iteration of Algorithm 1 over all samples. A smaller batch size gives a fixed
 * partition (no shuffling) in which every batch keeps its own z, a between epochs and gets one iteration per
 * epoch; the reported objective is then the sum of the batches' F. It trains worse: the kept a_l memorise
 * their batch's labels while W is pulled between batches.</li>
 * <li><b>Auxiliary variables</b> start from one forward pass (z_l = W_l a_{l−1} + b_l, a_l = h(z_l)), so the
 * ε-balls hold at the start and every later step keeps them feasible.</li>
 * <li><b>Scaling.</b> Both the risk and the penalties are means over the N samples, i.e. Problem 2 with a
 * mean risk and penalty ρ/N: the paper's ρ = 1e-4 then means the same for any N. Only the output step
 * depends on it (the W, b and a steps are invariant to the scale of φ): per sample it weighs ρ against the
 * loss. With the penalty summed instead, F rose at some ε shrinks and accuracy was lower.</li>
 * <li><b>Eq. (3)</b> with L_b = ρ·N, the Lipschitz constant of ∇_b φ when b is shared by N columns: the step
 * is b ← b − mean_j(W a_j + b − z_j), the exact minimiser. The printed L_b = ρ with the summed gradient
 * overshoots by a factor N and breaks Lemma 1.</li>
 * <li><b>Algorithm 2</b> with scalar θ: ζ = W − ∇φ/θ. Because φ is quadratic in W, φ(ζ) for any θ follows
 * from ‖r‖², ⟨r, D⟩ and ‖D‖² with D = (∇φ) a_{l−1}, one product; so the backtracking from θ = ρ/N (the
 * value the paper gives L_b and L_z) costs no product per trial, and ends within a factor γ of the exact line
 * search.</li>
 * <li><b>Algorithm 3</b> with scalar t, the step projected on the ε-ball (the minimiser of eq. (6)); t starts
 * at the last accepted t divided by η (at first ρ‖W_{l+1}‖₂²/N, which always passes), so it can shrink again.
 * Each trial costs one product W_{l+1}(β − a_l). The tests use a relative round-off tolerance of 1e-12.</li>
 * <li><b>Eq. (5)</b>: per sample, min (ρ/2)‖z − u‖² + ℓ(z; y), by the loss's proximal operator shared with iPDLAM
 * ({@link LossProx}): closed form for MSE, Newton's method for cross-entropy. With a proximal term
 * (δ/2)‖z − z_L^k‖² added ({@code delta}): solved exactly, the step's weight ρ per sample is so small that z_L
 * fits the labels at once, the iterations after it descend too little to pay for any shrink of ε under the guard
 * below, and ε stalls. The term makes z_L follow gradually (as a few warm-started FISTA steps did implicitly) and
 * keeps F decreasing: Newton starts from the better of the centre and z_L^k, so
 * F(z^{k+1}) + (δ/2)‖z^{k+1} − z^k‖² ≤ F(z^k) even when it stops short of the minimiser.</li>
 * <li><b>The ε schedule.</b> §4.1.2 as printed (ε ← max(2ε, 1) when R &gt; 10ε; ε ← min(ε/2, 0.01) when
 * ε &gt; 10R) contradicts itself. {@code decay} (the default) halves ε every iteration down to epsilonMin, as
 * the authors' later code; {@code adaptive} keeps only the shrinking half, read monotonically:
 * ε ← max(ε/2, epsilonMin) while ε &gt; 10·R(z_L); {@code fixed} keeps ε, the setting of Lemma 1. Lemma 1
 * holds for a fixed ε only: a smaller ε moves z_l onto the smaller balls and can raise F. The guard (see
 * {@link #shrinkEpsilon}) takes a shrink only when its exact cost fits in half the iteration's descent, so
 * F falls at every iteration. With MSE, where z_L fits the targets at once and little descent is left, the
 * guard holds ε high and the forward pass can stay at chance, so MSE jobs should set epsilonGuard false.
 * ε starts at 1: from 100 (the authors' code) the first iterations only halve a slack ε.</li>
 * </ul>
 */
final class Dlam implements Solver {

    /** Relative round-off tolerance of the backtracking tests. */
    private static final double TOLERANCE = 1e-12;

    /** Milder shrinks of ε the guard tries before keeping ε. */
    private static final int GUARD_STEPS = 6;

    private final DlamParams p;
    private final Loss loss;
    private final Activation h;
    private final Quasilinear ball;
    private final int[] sizes;
    private final int depth;
    private final R064Store[] gradW;
    private final R064Store[] shift;
    private final double[] theta;
    private final double[] tau;
    private final Map<Integer, Lifted> lifted = new HashMap<>();
    private final LossProx lossProx;
    private final BatchBuffers<Workspace> buffers = new BatchBuffers<>();
    private double epsilon = Double.NaN;
    private double lastRisk = Double.NaN;
    /** The penalty of the summed form for the batch in hand, ρ/N (see Scaling); "ρ" in the step comments. */
    private double penalty;
    private double lastObjective = Double.NaN;

    Dlam(int[] sizes, Activation hidden, Loss loss, DlamParams p) {
        this.p = p;
        this.loss = loss;
        this.h = hidden;
        this.ball = Quasilinear.of(hidden);
        this.sizes = sizes.clone();
        this.depth = sizes.length - 1;
        gradW = new R064Store[depth];
        shift = new R064Store[depth];
        for (int l = 0; l < depth; l++) {
            gradW[l] = Ops.make(sizes[l + 1], sizes[l]);
            shift[l] = Ops.make(sizes[l + 1], 1);
        }
        theta = new double[depth];
        tau = new double[depth];
        lossProx = new LossProx(loss, sizes[depth]);
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        if (Double.isNaN(epsilon)) epsilon = p.epsilon();
        double initial = 0;
        double risk = 0;
        for (Batch batch : batches) {
            cancel.check();
            Lifted s = lifted.get(batch.index());
            if (s == null || s.columns != batch.size()) {
                s = new Lifted(batch.size());
                s.forward(net, batch.x());
                lifted.put(batch.index(), s);
                initial += loss.value(s.z[depth - 1], batch.y()) / batch.size();
            }
            iterate(net, batch, s, workspace(batch.size()));
            risk += loss.value(s.z[depth - 1], batch.y()) / batch.size();
        }
        lastRisk = risk / batches.batchCount();
        if (Double.isNaN(lastObjective)) lastObjective = initial;
        double objective = risk;
        for (Lifted s : lifted.values()) objective += s.penalty();
        objective += shrinkEpsilon(lastObjective - objective);
        lastObjective = objective;
        return new EpochReport(objective, diagnostics(net));
    }

    /** One iteration k → k+1 of Algorithm 1 on one batch's lifted variables. */
    private void iterate(Network net, Batch batch, Lifted s, Workspace w) {
        penalty = p.rho() / batch.size();
        for (int l = 0; l < depth; l++) {
            R064Store in = l == 0 ? batch.x() : s.a[l];
            updateWeight(l, net.weight(l), in, s.r[l], w.p[l]);            // line 4: Algorithm 2
            updateBias(l, net.bias(l), s.r[l]);                             // line 5: eq. (3)
            if (l == depth - 1) {
                updateOutput(s.z[l], s.r[l], batch.y(), w.p[l]);            // line 7: eq. (5)
            } else {
                updateZ(s.z[l], s.r[l], s.a[l + 1]);                        // line 9: eq. (4)
                updateA(l, net.weight(l + 1), s.a[l + 1], s.z[l], s.r[l + 1], w); // line 10: Algorithm 3
            }
        }
    }

    /**
     * Algorithm 2: ζ = W − ∇_W φ/θ minimises the quadratic approximation P (eq. 2); θ ← θγ until
     * φ(ζ) ≤ P(ζ; θ). With r = W a + b − z, ∇_W φ = ρ r aᵀ and D = (∇_W φ) a, φ(ζ) = (ρ/2)‖r − D/θ‖².
     */
    private void updateWeight(int l, R064Store weight, R064Store in, R064Store r, R064Store d) {
        Gemm gemm = Gemm.get();
        R064Store g = gradW[l];
        gemm.gemm(false, true, penalty, r, in, 0, g);
        double gg = Ops.dot(g, g);
        if (gg == 0) return;
        gemm.multiply(false, false, g, in, d);
        double rr = Ops.dot(r, r);
        double rd = Ops.dot(r, d);
        double dd = Ops.dot(d, d);
        double phi = 0.5 * penalty * rr;
        double alpha = penalty;
        while (0.5 * penalty * (rr - 2 * rd / alpha + dd / (alpha * alpha)) > phi - gg / (2 * alpha) + TOLERANCE * phi) {
            alpha *= p.gamma();
        }
        theta[l] = alpha;
        Ops.axpy(-1 / alpha, g, weight);
        Ops.axpy(-1 / alpha, d, r);
    }

    /** Eq. (3) with L_b = ρN: b ← b − ∇_b φ/(ρN) = b − mean_j r_j, and r follows. */
    private void updateBias(int l, R064Store bias, R064Store r) {
        R064Store m = shift[l];
        Ops.rowSums(r, -1.0 / Ops.cols(r), m);
        Ops.axpy(1, m, bias);
        Ops.addColumn(r, m);
    }

    /** Eq. (4): z_l ← min(max(B₁, z − ∇_z φ/ρ), B₂) = the projection of u = W a + b onto [B₁, B₂]. */
    private void updateZ(R064Store z, R064Store r, R064Store a) {
        double[] zd = z.data;
        double[] rd = r.data;
        double[] ad = a.data;
        double eps = epsilon;
        for (int i = 0; i < zd.length; i++) {
            double u = zd[i] + rd[i];
            double lo = ball.lower(ad[i] - eps);
            double hi = ball.upper(ad[i] + eps);
            double zi = u < lo ? lo : (u > hi ? hi : u);
            zd[i] = zi;
            rd[i] = u - zi;
        }
    }

    /**
     * Eq. (5) with a proximal term δ: z_L ← argmin (ρ/2N)‖z − u‖² + (δ/2N)‖z − z^k‖² + R(z; y) with R the mean
     * loss, i.e. per sample min ((ρ + δ)/2)‖z − v‖² + ℓ(z; y) with v = (ρu + δz^k)/(ρ + δ), by the shared
     * {@link LossProx}, from the better of v and z^k so that the step never raises F; u = W a + b = z + r, and r
     * follows. {@code centre} is scratch of z's shape.
     */
    private void updateOutput(R064Store z, R064Store r, R064Store y, R064Store centre) {
        double rho = p.rho();
        double delta = p.delta();
        Ops.axpy(1, z, r);
        double[] v = centre.data;
        double[] u = r.data;
        double[] zk = z.data;
        for (int i = 0; i < v.length; i++) v[i] = (rho * u[i] + delta * zk[i]) / (rho + delta);
        lossProx.applyFrom(y, centre, rho + delta, z);
        Ops.axpy(-1, z, r);
    }

    /**
     * Algorithm 3 for a_{l+1}: β = Π_ball(a − ∇_a φ/t) with ∇_a φ = ρ W_{l+1}ᵀ r_{l+1}; t ← tη until
     * φ(β) ≤ Q(β; t) (eq. 6), then a ← β.
     */
    private void updateA(int l, R064Store next, R064Store a, R064Store z, R064Store rNext, Workspace w) {
        Gemm gemm = Gemm.get();
        R064Store g = w.p[l];
        R064Store d = w.q[l];
        R064Store wd = w.p[l + 1];
        gemm.gemm(true, false, penalty, next, rNext, 0, g);
        double phi = 0.5 * penalty * Ops.dot(rNext, rNext);
        if (tau[l] == 0) {
            double s = Ops.spectralNorm(next, 30);
            tau[l] = p.eta() * penalty * s * s;
        }
        double t = tau[l] / p.eta();
        double[] ad = a.data;
        double[] zd = z.data;
        double[] gd = g.data;
        double[] dd = d.data;
        double[] rn = rNext.data;
        double[] wdd = wd.data;
        double eps = epsilon;
        while (true) {
            double gTd = 0;
            double dTd = 0;
            for (int i = 0; i < ad.length; i++) {
                double hz = h.apply(zd[i]);
                double beta = ad[i] - gd[i] / t;
                beta = beta < hz - eps ? hz - eps : (beta > hz + eps ? hz + eps : beta);
                double di = beta - ad[i];
                dd[i] = di;
                gTd += gd[i] * di;
                dTd += di * di;
            }
            if (!(dTd > 0)) break; // nothing moves; NaN is left to the training loop's divergence check
            gemm.multiply(false, false, next, d, wd);
            double phiBeta = 0;
            for (int i = 0; i < rn.length; i++) {
                double v = rn[i] + wdd[i];
                phiBeta += v * v;
            }
            phiBeta *= 0.5 * penalty;
            if (phiBeta <= phi + gTd + 0.5 * t * dTd + TOLERANCE * phi) {
                Ops.axpy(1, d, a);
                Ops.axpy(1, wd, rNext);
                break;
            }
            t *= p.eta();
        }
        tau[l] = t;
    }

    /**
     * The ε schedule (see the class comment), applied at the end of an iteration: a smaller ε is taken by
     * projecting every hidden z_l onto its smaller ε-ball (an eq. (4) step for the new ε), which raises F by
     * an amount known exactly. With epsilonGuard that rise may use at most half of this iteration's descent,
     * so the F reported after it still decreases; a shrink that costs more is retried with the square root
     * of its factor (ε·0.5^{1/2}, ε·0.5^{1/4}, …, {@link #GUARD_STEPS} tries), and ε stays if none fits.
     *
     * @return the rise of F caused by the shrink (0 when ε stays)
     */
    private double shrinkEpsilon(double descent) {
        double candidate = switch (p.epsilonSchedule()) {
            case DECAY -> Math.max(epsilon * p.epsilonDecay(), p.epsilonMin());
            case ADAPTIVE -> epsilon > 10 * lastRisk ? Math.max(epsilon * p.epsilonDecay(), p.epsilonMin()) : epsilon;
            case FIXED -> epsilon;
        };
        double ratio = candidate / epsilon;
        for (int j = 0; j < GUARD_STEPS && candidate < epsilon; j++) {
            double cost = 0;
            for (Lifted s : lifted.values()) cost += s.restrict(candidate, false);
            if (!p.epsilonGuard() || cost <= 0.5 * descent) {
                for (Lifted s : lifted.values()) s.restrict(candidate, true);
                epsilon = candidate;
                return cost;
            }
            ratio = Math.sqrt(ratio);
            candidate = epsilon * ratio;
        }
        return 0;
    }

    private Map<String, double[]> diagnostics(Network net) {
        double[] residuals = new double[depth];
        double[] norms = new double[depth];
        int samples = 0;
        for (Lifted s : lifted.values()) {
            for (int l = 0; l < depth; l++) residuals[l] += Ops.dot(s.r[l], s.r[l]);
            samples += s.columns;
        }
        for (int l = 0; l < depth; l++) {
            residuals[l] = Math.sqrt(residuals[l] / samples);
            norms[l] = Ops.norm(net.weight(l));
        }
        Map<String, double[]> d = new LinkedHashMap<>();
        d.put("constraintResiduals", residuals);
        d.put("weightFrobeniusNorms", norms);
        d.put("theta", theta.clone());
        d.put("tau", java.util.Arrays.copyOf(tau, depth - 1));
        d.put("epsilon", new double[] {epsilon});
        d.put("risk", new double[] {lastRisk});
        return d;
    }

    private Workspace workspace(int columns) {
        return buffers.get(columns, Workspace::new);
    }

    /** Scratch for one batch size: p[l] (n_{l+1} × N) for D and ∇_a φ, q[l] for the step β − a. */
    private final class Workspace {
        final int columns;
        final R064Store[] p;
        final R064Store[] q;

        Workspace(int columns) {
            this.columns = columns;
            p = new R064Store[depth];
            q = new R064Store[depth];
            for (int l = 0; l < depth; l++) {
                p[l] = Ops.make(sizes[l + 1], columns);
                if (l < depth - 1) q[l] = Ops.make(sizes[l + 1], columns);
            }
        }
    }

    /** One batch's auxiliary variables z_l, a_l and the residuals r_l = W_l a_{l−1} + b_l − z_l. */
    private final class Lifted {
        final int columns;
        final R064Store[] z;
        final R064Store[] a;
        final R064Store[] r;

        Lifted(int columns) {
            this.columns = columns;
            z = new R064Store[depth];
            a = new R064Store[depth];
            r = new R064Store[depth];
            for (int l = 0; l < depth; l++) {
                z[l] = Ops.make(sizes[l + 1], columns);
                r[l] = Ops.make(sizes[l + 1], columns);
                if (l > 0) a[l] = Ops.make(sizes[l], columns);
            }
        }

        /** Σ_l φ_l = (ρ/N) / 2 · Σ_l ‖r_l‖². */
        double penalty() {
            double rr = 0;
            for (int l = 0; l < depth; l++) rr += Ops.dot(r[l], r[l]);
            return 0.5 * p.rho() / columns * rr;
        }

        /**
         * The rise of Σ_l φ_l when every hidden z_l is projected onto the ε-ball of radius {@code eps} (the
         * eq. (4) step for that ε); the projection is made only when {@code apply}.
         */
        double restrict(double eps, boolean apply) {
            double rise = 0;
            for (int l = 0; l < depth - 1; l++) {
                double[] zd = z[l].data;
                double[] rd = r[l].data;
                double[] ad = a[l + 1].data;
                for (int i = 0; i < zd.length; i++) {
                    double u = zd[i] + rd[i];
                    double lo = ball.lower(ad[i] - eps);
                    double hi = ball.upper(ad[i] + eps);
                    double zi = u < lo ? lo : (u > hi ? hi : u);
                    rise += (u - zi) * (u - zi) - rd[i] * rd[i];
                    if (apply) {
                        zd[i] = zi;
                        rd[i] = u - zi;
                    }
                }
            }
            return 0.5 * p.rho() / columns * rise;
        }

        /** z_l = W_l a_{l−1} + b_l, a_l = h(z_l): every constraint holds with r = 0. */
        void forward(Network net, R064Store x) {
            for (int l = 0; l < depth; l++) {
                boolean hidden = l < depth - 1;
                ForwardPass.layer(net, l, l == 0 ? x : a[l], z[l], hidden ? h : null, hidden ? a[l + 1] : null);
            }
        }
    }
}
