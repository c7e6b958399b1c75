package io.nograd.solver.dlam;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.data.Dataset;
import io.nograd.nn.Activation;
import io.nograd.nn.Float32Gemm;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Gemm;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Passes;
import io.nograd.solver.BatchBuffers;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.LossProx;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverState;

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
 * <li><b>Storage.</b> Problem 2 lifts every sample, so z_l and a_l are n_l × N: they are kept in float32 and
 * every product runs on {@value #CHUNK} columns at a time. In float32 (the default, {@code precision}; the acceptance
 * run follows float64's, bench/results/performance.md §6) the products read z, a and the inputs where they are stored
 * and only their results are widened (in float64 the chunks are widened on the way in); the bias step's product and
 * all sums are float64. That gives the bits that narrowing a widened chunk gave, without those copies of every
 * operand (§9.1). The residuals
 * r_l = W_l a_{l−1} + b_l − z_l are not stored but recomputed where a step needs them (one product per
 * pass), and the inputs a_0 = x are read from the float32 dataset. Only ∇_a φ of Algorithm 3 is kept whole
 * (float32), because each backtracking trial needs it. At N = 60 000 this is what fits a 784-500-500-10 run
 * in 1 GB of heap (bench/results/performance.md §4). Between its uses that buffer holds the last hidden layer's
 * W a from its z step (see {@code keepLast}), which the ε guard and the next iteration would otherwise recompute.</li>
 * <li><b>Threads.</b> The passes over a chunk's entries (the projections of eq. (4) and Algorithm 3, the residuals,
 * the float32/float64 copies, the sums) run on the job's thread budget ({@link Passes}); the sums add fixed chunks
 * in chunk order, so every budget gives the same bits.</li>
 * </ul>
 */
final class Dlam implements Solver {

    /** Relative round-off tolerance of the backtracking tests. */
    private static final double TOLERANCE = 1e-12;

    /** Milder shrinks of ε the guard tries before keeping ε. */
    private static final int GUARD_STEPS = 6;

    /** Columns per pass over a batch's lifted variables (see Storage). */
    static final int CHUNK = 1000;

    /** {@link #rowSums}' elements per row in its pass ({@link Passes#GRAIN} is a multiple), so a chunk is whole rows. */
    private static final int ROW_SPLIT = 16;

    private final DlamParams p;
    private final Loss loss;
    private final Activation h;
    private final Quasilinear ball;
    private final int[] sizes;
    private final int depth;
    /** The products in params.precision (see Storage); the bias step's matrix-vector product is float64 either way. */
    private final Gemm gemm;
    private final R064Store[] gradW;
    private final R064Store[] shift;
    private final R064Store[] means;
    /** ∇_W φ · x xᵀ of the first layer. */
    private final R064Store gradWGram;
    private final double[] theta;
    private final double[] tau;
    private final Map<Integer, Lifted> lifted = new HashMap<>();
    private final LossProx lossProx;
    private final BatchBuffers<float[]> gradients = new BatchBuffers<>();
    private final IntFunction<float[]> newGradient;
    /**
     * float32 products read z, a and the inputs where they are stored (see Storage); null in float64. Then W_l and
     * ∇_W φ (for D) are narrowed once per pass over the columns, not once per chunk.
     */
    private final Float32Gemm direct;
    private final float[][] weights32;
    private final float[][] gradW32;
    /**
     * With float32 products, one batch and at most two hidden layers: the last hidden layer's W_k a_{k−1} (k = depth − 2,
     * float32, before the bias) is kept from its z step in the ∇_a φ buffer, which nothing else uses until the pass
     * that consumes it, so the ε guard's costs and the next iteration's first residual of layer k need no product.
     * Its a step then keeps r_{k+1} (the narrow output's residual) instead of ∇_a φ and recomputes ∇_a φ per trial.
     */
    private final boolean keepLast;
    /** The batch whose W_k a_{k−1} the ∇_a φ buffer holds, valid for the W_k, a_{k−1} in force; null if none. */
    private Lifted kept;
    private boolean keeping;
    private final BatchBuffers<float[]> outputResiduals = new BatchBuffers<>();
    private final IntFunction<float[]> newOutputResidual;
    private final BatchBuffers<Chunk> chunks = new BatchBuffers<>(CHUNK);
    private final IntFunction<Chunk> newChunk;
    private double epsilon = Double.NaN;
    private double lastRisk = Double.NaN;
    /** The penalty of the summed form for the batch in hand, ρ/N (see Scaling); "ρ" in the step comments. */
    private double penalty;
    private double lastObjective = Double.NaN;
    /** The stored state of a resumed run until its first epoch has taken each batch's lifted variables from it. */
    private SolverState restored;
    private final Passes passes;
    private final ForwardPass.Threaded forward;
    /** The element-wise bodies, made once, and the arrays and scalars they read (set before each pass). */
    private final Passes.Range residualPass = this::residualRange;
    private final Passes.Sums projectPass = this::projectRange;
    private final Passes.Sum stepPass = this::stepRange;
    private final Passes.Sum narrowPass = this::narrowRange;
    private final Passes.Range biasedPass = this::biasedColumns;
    private final Passes.Sum squaresPass = this::squaresRange;
    private final Passes.Range rowSumsPass = this::rowSumsRange;
    private float[] sumFrom;
    private int sumOff;
    private int sumRows;
    private int sumColumns;
    private double[] sumInto;
    private final double[] projected = new double[2];
    /** The float32 source of W a for {@link #biased}, from passCOff (or the array {@link #squares} sums); passR, passROff: where r goes. */
    private float[] passC;
    private int passCOff;
    private double[] passBias;
    private int passRows;
    private float[] passR;
    private int passROff;
    private int passGOff;
    /** The factor of the stored ∇_a φ: ρ when float32 products keep it unscaled (the same bits as scaling it first), else 1. */
    private double passScale;
    /** Where {@link #product} left W a: an array and its offset. */
    private float[] uArray;
    private int uOff;
    private double[] passU;
    private float[] passZ;
    private float[] passA;
    private float[] passG;
    private double[] passD;
    private int passOff;
    private double passEps;
    private double passT;
    private boolean passFlag;

    Dlam(int[] sizes, Activation hidden, Loss loss, DlamParams p, int threads) {
        this.p = p;
        this.passes = Passes.of(threads);
        this.loss = loss;
        this.h = hidden;
        this.ball = Quasilinear.of(hidden);
        this.sizes = sizes.clone();
        this.depth = sizes.length - 1;
        this.gemm = p.precision().products(passes);
        this.forward = new ForwardPass.Threaded(passes);
        gradW = new R064Store[depth];
        shift = new R064Store[depth];
        means = new R064Store[depth + 1];
        int widest = 0;
        for (int l = 0; l < depth; l++) {
            gradW[l] = Ops.make(sizes[l + 1], sizes[l]);
            shift[l] = Ops.make(sizes[l + 1], 1);
            if (l > 0) widest = Math.max(widest, sizes[l]);
        }
        for (int l = 0; l <= depth; l++) means[l] = Ops.make(sizes[l], 1);
        gradWGram = Ops.make(sizes[1], sizes[0]);
        theta = new double[depth];
        tau = new double[depth];
        lossProx = new LossProx(loss, sizes[depth]);
        int hiddenRows = widest;
        newGradient = columns -> new float[hiddenRows * columns];
        newChunk = Chunk::new;
        direct = gemm instanceof Float32Gemm f ? f : null;
        weights32 = new float[depth][];
        gradW32 = new float[depth][];
        for (int l = 0; direct != null && l < depth; l++) {
            weights32[l] = new float[sizes[l + 1] * sizes[l]];
            gradW32[l] = new float[sizes[l + 1] * sizes[l]];
        }
        // depth 3: the first a step overwrites the kept W a with ∇_a φ chunk by chunk, which needs n_1 ≤ n_2
        keepLast = direct != null && (depth == 2 || depth == 3 && sizes[1] <= sizes[2]) && sizes[depth] < sizes[depth - 1];
        int outputs = sizes[depth];
        newOutputResidual = columns -> new float[outputs * columns];
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        if (Double.isNaN(epsilon)) epsilon = p.epsilon();
        double initial = 0;
        double risk = 0;
        keeping = keepLast && batches.batchCount() == 1;
        if (!keeping) kept = null;
        for (Batch batch : batches) {
            cancel.check();
            Lifted s = lifted.get(batch.index());
            if (s == null || s.columns != batch.size()) {
                s = new Lifted(batches.dataset(), batch.samples(), batch.size());
                if (!s.restore(restored, batch.index())) {
                    narrowWeights(net);
                    s.forward(net, batch);
                    initial += s.risk / batch.size();
                }
                lifted.put(batch.index(), s);
            }
            iterate(net, batch, s);
            risk += s.risk / batch.size();
        }
        restored = null;
        lastRisk = risk / batches.batchCount();
        if (Double.isNaN(lastObjective)) lastObjective = initial;
        double objective = risk;
        for (Lifted s : lifted.values()) objective += s.penalty();
        objective += shrinkEpsilon(lastObjective - objective, net);
        lastObjective = objective;
        return new EpochReport(objective, diagnostics(net));
    }

    /**
     * Every batch's z_l and a_l with what an iteration hands to the next, ε, the last risk and objective (the
     * guard's reference) and each layer's step τ: Algorithm 1 carries all of them from one iteration (epoch) into
     * the next. A resumed run takes each batch's variables back at its first visit ({@link Lifted#restore}).
     */
    @Override
    public void saveState(SolverState out) {
        out.put("epsilon", epsilon);
        out.put("lastRisk", lastRisk);
        out.put("lastObjective", lastObjective);
        out.put("tau", tau);
        lifted.forEach((index, s) -> s.save(out, index));
    }

    @Override
    public void restoreState(SolverState in) {
        epsilon = in.scalar("epsilon");
        lastRisk = in.scalar("lastRisk");
        lastObjective = in.scalar("lastObjective");
        in.copyInto("tau", tau);
        // every batch's arrays are checked (and so taken) now; each is copied in at the batch's first visit
        for (String name : java.util.List.copyOf(in.names())) {
            if (!name.startsWith("batch/") || !name.endsWith("/z/0")) continue;
            String at = name.substring(0, name.length() - "z/0".length());
            int length = in.length(name);
            if (length % sizes[1] != 0) throw new SolverState.Mismatch(name + " does not hold whole columns of " + sizes[1]);
            int columns = length / sizes[1];
            for (int l = 0; l < depth; l++) {
                in.floats(at + "z/" + l, sizes[l + 1] * columns);
                if (l > 0) in.floats(at + "a/" + l, sizes[l] * columns);
            }
            in.doubles(at + "rr", depth);
            in.doubles(at + "shrunk", depth);
            in.doubles(at + "pending", depth);
            in.scalar(at + "risk");
            in.scalar(at + "unprojected");
        }
        restored = in;
    }

    /** One iteration k → k+1 of Algorithm 1 on one batch's lifted variables. */
    private void iterate(Network net, Batch batch, Lifted s) {
        penalty = p.rho() / batch.size();
        narrowWeights(net);
        for (int l = 0; l < depth; l++) {
            updateWeight(l, net, s);                            // line 4: Algorithm 2
            updateBias(l, net, s);                              // line 5: eq. (3)
            if (l == depth - 1) {
                updateOutput(net, batch, s);                    // line 7: eq. (5)
            } else {
                updateZ(l, net, s);                             // line 9: eq. (4)
                updateA(l, net, s);                             // line 10: Algorithm 3
            }
        }
    }

    /**
     * Algorithm 2: ζ = W − ∇_W φ/θ minimises the quadratic approximation P (eq. 2); θ ← θγ until
     * φ(ζ) ≤ P(ζ; θ). With r = W a + b − z, ∇_W φ = ρ r aᵀ and D = (∇_W φ) a, φ(ζ) = (ρ/2)‖r − D/θ‖², where
     * ⟨r, D⟩ = ‖∇_W φ‖²/ρ: one pass for ∇_W φ and ‖r‖², one for ‖D‖²; for the first layer, whose input x never
     * changes, ‖D‖² = ⟨∇_W φ · x xᵀ, ∇_W φ⟩ from the input's Gram matrix, computed once.
     */
    private void updateWeight(int l, Network net, Lifted s) {
        R064Store g = gradW[l];
        double rr = 0;
        for (int from = 0; from < s.columns; from += CHUNK) {
            int to = Math.min(from + CHUNK, s.columns);
            Chunk c = chunk(from, to);
            rr += s.residual(net, l, from, to, c, c.out32[l + 1], 0);
            double beta = from == 0 ? 0 : 1;
            if (direct == null) gemm.gemm(false, true, penalty, c.out[l + 1], c.in[l], beta, g);
            else direct.gemm(false, true, to - from, penalty, c.out32[l + 1], 0, s.input32(l, from, to, c), s.inputOffset(l, from), beta, g);
        }
        double gg = dot(g);
        if (gg == 0) return;
        double dd = l == 0 ? s.inputGramNorm(g, gradWGram) : 0;
        if (l > 0 && direct != null) passes.narrow(g.data, 0, gradW32[l], 0, g.data.length);
        for (int from = 0; l > 0 && from < s.columns; from += CHUNK) {
            int to = Math.min(from + CHUNK, s.columns);
            Chunk c = chunk(from, to);
            if (direct == null) {
                R064Store d = c.step[l + 1];
                gemm.multiply(false, false, g, s.input(l, from, to, c), d);
                dd += dot(d);
            } else {
                float[] d = c.step32[l + 1];
                direct.gemm(false, false, sizes[l + 1], to - from, sizes[l], 1f, gradW32[l], 0, s.a[l], from * sizes[l], 0f, d, 0);
                dd += squares(d, sizes[l + 1] * (to - from));
            }
        }
        double rd = gg / penalty;
        double phi = 0.5 * penalty * rr;
        double alpha = penalty;
        while (0.5 * penalty * (rr - 2 * rd / alpha + dd / (alpha * alpha)) > phi - gg / (2 * alpha) + TOLERANCE * phi) {
            alpha *= p.gamma();
        }
        theta[l] = alpha;
        Ops.axpy(-1 / alpha, g, net.weight(l));
        narrowWeight(net, l);
        if (l == depth - 2) kept = null;
    }

    /** Eq. (3) with L_b = ρN: b ← b − ∇_b φ/(ρN) = b − mean_j r_j, where mean_j r_j = W mean_j a_j + b − mean_j z_j. */
    private void updateBias(int l, Network net, Lifted s) {
        R064Store in = means[l];
        if (l == 0 && s.inputMeans != null) {
            System.arraycopy(s.inputMeans, 0, in.data, 0, sizes[0]); // x never changes
        } else {
            java.util.Arrays.fill(in.data, 0);
            if (l > 0 || s.contiguous) {
                rowSums(s.input32(l, 0, s.columns, null), s.inputOffset(l, 0), sizes[l], s.columns, in.data);
            } else {
                for (int from = 0; from < s.columns; from += CHUNK) {
                    int to = Math.min(from + CHUNK, s.columns);
                    accumulateRowSums(s.input32(l, from, to, chunk(from, to)), s.inputOffset(l, from), sizes[l], to - from, in.data);
                }
            }
            Ops.scale(in, 1.0 / s.columns);
            if (l == 0) s.inputMeans = in.data.clone();
        }
        R064Store m = shift[l];
        Gemm.get().multiply(false, false, net.weight(l), in, m);
        rowMeans(s.z[l], sizes[l + 1], s.columns, means[l + 1]);
        double[] md = m.data;
        double[] b = net.bias(l).data;
        double[] mz = means[l + 1].data;
        for (int i = 0; i < md.length; i++) b[i] -= md[i] + b[i] - mz[i];
    }

    /**
     * Eq. (4): z_l ← min(max(B₁, z − ∇_z φ/ρ), B₂) = the projection of u = W a + b onto [B₁, B₂]; the pass
     * also gives ‖r_l‖² at the end of the iteration.
     */
    private void updateZ(int l, Network net, Lifted s) {
        s.rr[l] = s.project(l, net, epsilon, true);
    }

    /**
     * Eq. (5) with a proximal term δ: z_L ← argmin (ρ/2N)‖z − u‖² + (δ/2N)‖z − z^k‖² + R(z; y) with R the mean
     * loss, i.e. per sample min ((ρ + δ)/2)‖z − v‖² + ℓ(z; y) with v = (ρu + δz^k)/(ρ + δ), by the shared
     * {@link LossProx}, from the better of v and z^k so that the step never raises F; u = W a + b.
     */
    private void updateOutput(Network net, Batch batch, Lifted s) {
        double rho = p.rho();
        double delta = p.delta();
        int l = depth - 1;
        int rows = sizes[depth];
        float[] zk = s.z[l];
        double rr = 0;
        double risk = 0;
        for (int from = 0; from < s.columns; from += CHUNK) {
            int to = Math.min(from + CHUNK, s.columns);
            Chunk c = chunk(from, to);
            double[] ud = s.affine(net, l, from, to, false).data;
            double[] v = c.centre.data;
            double[] z = c.output.data;
            int off = from * rows;
            for (int i = 0; i < v.length; i++) {
                z[i] = zk[off + i];
                v[i] = (rho * ud[i] + delta * z[i]) / (rho + delta);
            }
            System.arraycopy(batch.y().data, off, c.target.data, 0, v.length);
            lossProx.applyFrom(c.target, c.centre, rho + delta, c.output);
            for (int i = 0; i < v.length; i++) {
                float zi = (float) z[i];
                zk[off + i] = zi;
                z[i] = zi;
                rr += (ud[i] - zi) * (ud[i] - zi);
            }
            risk += loss.value(c.output, c.target);
        }
        s.rr[l] = rr;
        s.risk = risk;
    }

    /**
     * Algorithm 3 for a_{l+1}: β = Π_ball(a − ∇_a φ/t) with ∇_a φ = ρ W_{l+1}ᵀ r_{l+1}; t ← tη until
     * φ(β) ≤ Q(β; t) (eq. 6), then a ← β. φ is quadratic in a, φ(β) = φ(a) + ⟨∇_a φ, β − a⟩ + (ρ/2)‖W_{l+1}(β − a)‖²,
     * so the test is ρ‖W_{l+1} d‖² ≤ t‖d‖² with d = β − a: one product per trial.
     */
    private void updateA(int l, Network net, Lifted s) {
        R064Store next = net.weight(l + 1);
        int rows = sizes[l + 1];
        float[] a = s.a[l + 1];
        float[] z = s.z[l];
        // keepLast: the a step of the last hidden layer keeps the narrow r_{l+1}, so the ∇_a φ buffer keeps W_l a_{l−1}
        boolean recompute = keepLast && l == depth - 2;
        float[] grad = recompute ? null : gradients.get(s.columns, newGradient);
        float[] rKept = recompute ? outputResiduals.get(s.columns, newOutputResidual) : null;
        double rr = 0;
        for (int from = 0; from < s.columns; from += CHUNK) {
            int to = Math.min(from + CHUNK, s.columns);
            Chunk c = chunk(from, to);
            if (direct == null) {
                R064Store rNext = c.out[l + 2];
                rr += s.residual(net, l + 1, from, to, c, null, 0);
                R064Store g = c.step[l + 1];
                gemm.gemm(true, false, penalty, next, rNext, 0, g);
                passes.narrow(g.data, 0, grad, from * rows, g.data.length);
            } else if (recompute) {
                rr += s.residual(net, l + 1, from, to, c, rKept, from * sizes[l + 2]);
            } else {
                rr += s.residual(net, l + 1, from, to, c, c.out32[l + 2], 0);
                activationGradient(l, c.out32[l + 2], 0, to - from, grad, from * rows);
            }
        }
        if (!recompute) kept = null; // the buffer now holds ∇_a φ (at depth 3 it consumed the kept W a chunk by chunk)
        double phi = 0.5 * penalty * rr;
        if (tau[l] == 0) {
            double norm = Ops.spectralNorm(next, 30);
            tau[l] = p.eta() * penalty * norm * norm;
        }
        double t = tau[l] / p.eta();
        while (true) {
            double dTd = 0;
            double wdwd = 0;
            for (int from = 0; from < s.columns; from += CHUNK) {
                int to = Math.min(from + CHUNK, s.columns);
                Chunk c = chunk(from, to);
                if (direct == null) {
                    R064Store d = c.step[l + 1];
                    dTd += step(a, z, grad, from * rows, 1, t, from * rows, d.data, false);
                    R064Store wd = c.out[l + 2];
                    gemm.multiply(false, false, next, d, wd);
                    wdwd += dot(wd);
                } else {
                    if (recompute) activationGradient(l, rKept, from * sizes[l + 2], to - from, c.gradient32, 0);
                    double[] d = c.step[l + 1].data;
                    dTd += step(a, z, recompute ? c.gradient32 : grad, recompute ? 0 : from * rows, penalty, t, from * rows, d, false);
                    float[] d32 = c.step32[l + 1];
                    passes.narrow(d, 0, d32, 0, d.length);
                    float[] wd = c.out32[l + 2];
                    direct.gemm(false, false, sizes[l + 2], to - from, rows, 1f, weights32[l + 1], 0, d32, 0, 0f, wd, 0);
                    wdwd += squares(wd, sizes[l + 2] * (to - from));
                }
            }
            if (!(dTd > 0)) break; // nothing moves; NaN is left to the training loop's divergence check
            if (penalty * wdwd <= t * dTd + 2 * TOLERANCE * phi) {
                for (int from = 0; from < s.columns; from += CHUNK) {
                    int to = Math.min(from + CHUNK, s.columns);
                    Chunk c = chunk(from, to);
                    if (recompute) activationGradient(l, rKept, from * sizes[l + 2], to - from, c.gradient32, 0);
                    step(a, z, recompute ? c.gradient32 : grad, recompute ? 0 : from * rows, direct == null ? 1 : penalty,
                            t, from * rows, c.step[l + 1].data, true);
                }
                break;
            }
            t *= p.eta();
        }
        tau[l] = t;
        if (l == depth - 3) kept = null; // a_{k−1} changed
    }

    /**
     * W_{l+1}ᵀ r_{l+1} (∇_a φ without its factor ρ, which {@link #step} applies) for {@code columns} columns, r_{l+1}
     * float32 from rOff, into g from gOff.
     */
    private void activationGradient(int l, float[] r, int rOff, int columns, float[] g, int gOff) {
        direct.gemm(true, false, sizes[l + 1], columns, sizes[l + 2], 1f, weights32[l + 1], 0, r, rOff, 0f, g, gOff);
    }

    /**
     * d = β − a on the columns of {@code d} from element {@code off}, β = Π_ball(a − ∇/t) with ∇ = scale·g from gOff
     * rounded to float32 (g stored unscaled with float32 products); returns ‖d‖², and when {@code take} sets a ← β.
     */
    private double step(float[] a, float[] z, float[] g, int gOff, double scale, double t, int off, double[] d, boolean take) {
        passA = a;
        passZ = z;
        passG = g;
        passGOff = gOff;
        passScale = scale;
        passT = t;
        passOff = off;
        passD = d;
        passFlag = take;
        passEps = epsilon;
        return passes.sum(d.length, stepPass);
    }

    /** {@link #step} on the entries [from, to) of d. */
    private double stepRange(int from, int to) {
        float[] a = passA;
        float[] z = passZ;
        float[] g = passG;
        int gOff = passGOff;
        double[] d = passD;
        double scale = passScale;
        double t = passT;
        int off = passOff;
        boolean take = passFlag;
        double eps = passEps;
        double dTd = 0;
        for (int i = from; i < to; i++) {
            double ai = a[off + i];
            double hz = h.apply(z[off + i]);
            double lo = hz - eps;
            double hi = hz + eps;
            double gi = (float) (scale * g[gOff + i]);
            double beta = Math.max(lo, Math.min(ai - gi / t, hi)); // branch-free: see projection
            double di = beta - ai;
            d[i] = di;
            dTd += di * di;
            if (take) a[off + i] = inside(beta, lo, hi);
        }
        return dTd;
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
    private double shrinkEpsilon(double descent, Network net) {
        double candidate = switch (p.epsilonSchedule()) {
            case DECAY -> Math.max(epsilon * p.epsilonDecay(), p.epsilonMin());
            case ADAPTIVE -> epsilon > 10 * lastRisk ? Math.max(epsilon * p.epsilonDecay(), p.epsilonMin()) : epsilon;
            case FIXED -> epsilon;
        };
        double ratio = candidate / epsilon;
        for (int j = 0; j < GUARD_STEPS && candidate < epsilon; j++) {
            double cost = 0;
            for (Lifted s : lifted.values()) cost += s.restrict(net, candidate);
            if (!p.epsilonGuard() || cost <= 0.5 * descent) {
                for (Lifted s : lifted.values()) s.shrink();
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
            for (int l = 0; l < depth; l++) residuals[l] += s.rr[l];
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

    /** The float64 scratch for columns [from, to) of a batch. */
    private Chunk chunk(int from, int to) {
        return chunks.get(to - from, newChunk);
    }

    /** means ← the row means of a float32 rows × columns matrix. */
    private void rowMeans(float[] x, int rows, int columns, R064Store means) {
        double[] m = means.data;
        java.util.Arrays.fill(m, 0);
        rowSums(x, 0, rows, columns, m);
        for (int i = 0; i < rows; i++) m[i] /= columns;
    }

    /**
     * s[i] += Σ_j x[off + j·rows + i] over the columns in order, the rows split over the passes (whole rows a thread,
     * {@link Passes#GRAIN} / {@link #ROW_SPLIT} of them a chunk): each row's sum is the serial loop's, the same bits.
     */
    private void rowSums(float[] x, int off, int rows, int columns, double[] s) {
        sumFrom = x;
        sumOff = off;
        sumRows = rows;
        sumColumns = columns;
        sumInto = s;
        passes.run(rows * ROW_SPLIT, rowSumsPass);
        sumFrom = null;
        sumInto = null;
    }

    private void rowSumsRange(int from, int to) {
        float[] x = sumFrom;
        double[] s = sumInto;
        int rows = sumRows;
        int first = from / ROW_SPLIT;
        int last = to / ROW_SPLIT;
        for (int j = 0; j < sumColumns; j++) {
            int o = sumOff + j * rows;
            for (int i = first; i < last; i++) s[i] += x[o + i];
        }
    }

    /** s[i] += Σ_j x[off + j·rows + i] over {@code columns} columns of a float32 rows-row matrix (in column order). */
    private static void accumulateRowSums(float[] x, int off, int rows, int columns, double[] s) {
        for (int j = 0; j < columns; j++) {
            int o = off + j * rows;
            for (int i = 0; i < rows; i++) s[i] += x[o + i];
        }
    }

    /** The float32 copies of every W_l the products read (float32 products only). */
    private void narrowWeights(Network net) {
        for (int l = 0; l < depth; l++) narrowWeight(net, l);
    }

    private void narrowWeight(Network net, int l) {
        if (direct == null) return;
        double[] w = net.weight(l).data;
        passes.narrow(w, 0, weights32[l], 0, w.length);
    }

    /** Σ f[i]² over the first n entries in float64, summed as {@link Passes#dot} sums (the same bits as on the widened copy). */
    private double squares(float[] f, int n) {
        passC = f;
        return passes.sum(n, squaresPass);
    }

    private double squaresRange(int from, int to) {
        float[] f = passC;
        double sum = 0;
        for (int i = from; i < to; i++) {
            double fi = f[i];
            sum += fi * fi;
        }
        return sum;
    }

    /** u ← W a + b·1ᵀ, W a float32 from uArray[uOff], over the columns of u. */
    private void biased(double[] bias, R064Store u) {
        passC = uArray;
        passCOff = uOff;
        passBias = bias;
        passU = u.data;
        passRows = Ops.rows(u);
        passes.runColumns(Ops.cols(u), passRows, biasedPass);
    }

    private void biasedColumns(int from, int to) {
        float[] c = passC;
        int co = passCOff;
        double[] b = passBias;
        double[] u = passU;
        int rows = passRows;
        for (int j = from; j < to; j++) {
            int off = j * rows;
            for (int i = 0; i < rows; i++) u[off + i] = c[co + off + i] + b[i];
        }
    }

    /**
     * {@link Lifted#residual}'s float32 operand: r narrowed into passR from passROff; returns Σ r² on [from, to), as
     * {@link Passes#dot} sums it (the same chunks, each in index order).
     */
    private double narrowRange(int from, int to) {
        double[] r = passU;
        float[] r32 = passR;
        int off = passROff;
        double sum = 0;
        for (int i = from; i < to; i++) {
            double ri = r[i];
            sum += ri * ri;
            r32[off + i] = (float) ri;
        }
        return sum;
    }

    /**
     * Eq. (4) for one entry: u projected onto [B₁, B₂] = [lower(a − ε), upper(a + ε)], as a float32 inside it. The
     * clamp is max(B₁, min(u, B₂)), which the JIT compiles without branches: compares on u mispredict when many
     * entries sit at a bound, and this runs over every hidden entry several times an iteration.
     */
    private float projection(double u, double a, double eps) {
        double lo = ball.lower(a - eps);
        double hi = ball.upper(a + eps);
        return inside(Math.max(lo, Math.min(u, hi)), lo, hi);
    }

    /**
     * x ∈ [lo, hi] rounded to the float32 nearest it within [lo, hi], so that the stored z, a satisfy the ε-ball
     * constraints exactly. Rounding to nearest would put an a projected onto the edge h(z) + ε = ε of a ReLU
     * ball just above ε, where the lower bound of eq. (4) jumps from −∞ to a − ε: z would then move to 0.
     */
    static float inside(double x, double lo, double hi) {
        float f = (float) x;
        if (f > hi) return Math.nextDown(f);
        if (f < lo) return Math.nextUp(f);
        return f;
    }

    /** ‖x‖², summed as {@link Passes#sum} does. */
    private double dot(R064Store x) {
        return passes.dot(x.data, x.data, x.data.length);
    }

    /** {@link Lifted#residual}'s pass on [from, to): the pending projection (passFlag), then r ← u − z. */
    private void residualRange(int from, int to) {
        double[] rd = passU;
        float[] zl = passZ;
        float[] al = passA;
        int off = passOff;
        double eps = passEps;
        if (passFlag) {
            for (int i = from; i < to; i++) zl[off + i] = projection(rd[i], al[off + i], eps);
        }
        for (int i = from; i < to; i++) rd[i] -= zl[off + i];
    }

    /** {@link Lifted#project}'s pass on [from, to): out[at] = Σ (u − Π(u))², out[at + 1] = Σ (u − z)², z ← Π(u) if passFlag. */
    private void projectRange(int from, int to, double[] out, int at) {
        double[] ud = passU;
        float[] zl = passZ;
        float[] al = passA;
        int off = passOff;
        double eps = passEps;
        boolean apply = passFlag;
        double sum = 0;
        double before = 0;
        for (int i = from; i < to; i++) {
            double ui = ud[i];
            float zi = projection(ui, al[off + i], eps);
            sum += (ui - zi) * (ui - zi);
            before += (ui - zl[off + i]) * (ui - zl[off + i]);
            if (apply) zl[off + i] = zi;
        }
        out[at] = sum;
        out[at + 1] = before;
    }

    /**
     * Float64 scratch of one chunk width, by the row count n_k it has: in[k] for layer k's input columns,
     * out[k] for a layer's pre-activation or residual, step[k] for a step direction or gradient (D of
     * Algorithm 2, ∇_a φ and β − a of Algorithm 3); and the output step's centre, z_L and targets.
     */
    private final class Chunk {
        final R064Store[] in = new R064Store[depth];
        final R064Store[] out = new R064Store[depth + 1];
        final R064Store[] step = new R064Store[depth + 1];
        final R064Store centre;
        final R064Store output;
        final R064Store target;
        /** float32 products: out32[k], step32[k] as out[k], step[k]; the gathered inputs; ∇_a φ recomputed per trial. */
        final float[][] out32 = new float[depth + 1][];
        final float[][] step32 = new float[depth + 1][];
        final float[] x32;
        final float[] gradient32;
        /** Whose columns, from where, x32 holds. */
        Lifted gathered;
        int gatheredFrom = -1;

        Chunk(int width) {
            int widest = 0;
            for (int k = 0; k <= depth; k++) {
                if (k < depth) in[k] = Ops.make(sizes[k], width);
                if (k > 0) {
                    out[k] = Ops.make(sizes[k], width);
                    step[k] = Ops.make(sizes[k], width);
                    if (direct != null) {
                        out32[k] = new float[sizes[k] * width];
                        step32[k] = new float[sizes[k] * width];
                    }
                }
                if (k > 0 && k < depth) widest = Math.max(widest, sizes[k]);
            }
            x32 = new float[sizes[0] * width];
            gradient32 = direct != null && keepLast ? new float[widest * width] : null;
            centre = Ops.make(sizes[depth], width);
            output = Ops.make(sizes[depth], width);
            target = Ops.make(sizes[depth], width);
        }
    }

    /**
     * One batch's auxiliary variables z_l (every layer) and a_l (hidden layers), float32, column-major; the
     * squared residual norms ‖r_l‖² and the risk as of the last step that set them.
     */
    private final class Lifted {
        final Dataset data;
        final int[] samples;
        final int columns;
        final float[][] z;
        final float[][] a;
        final double[] rr;
        /** ‖r_l‖² after the shrink {@link #restrict} last costed; {@code pending}: its projection is still to make. */
        final double[] shrunk;
        final boolean[] pending;
        /** x xᵀ of the batch's inputs, once the first W step needs it. */
        R064Store inputGram;
        /** The samples are consecutive rows of the dataset (a full batch): the products read x in place. */
        final boolean contiguous;
        /** The row means of x (the first bias step's), once computed. */
        double[] inputMeans;
        double risk;
        /** ‖u − z_l‖² before the last {@link #project}. */
        double unprojected;

        /** For the batch of these training samples (a fixed partition: DLAM does not shuffle). */
        Lifted(Dataset data, int[] samples, int columns) {
            this.data = data;
            this.samples = java.util.Arrays.copyOf(samples, columns);
            this.columns = columns;
            boolean consecutive = true;
            for (int j = 1; j < columns && consecutive; j++) consecutive = this.samples[j] == this.samples[0] + j;
            contiguous = consecutive;
            z = new float[depth][];
            a = new float[depth][];
            rr = new double[depth];
            shrunk = new double[depth];
            pending = new boolean[depth];
            for (int l = 0; l < depth; l++) {
                z[l] = new float[sizes[l + 1] * columns];
                if (l > 0) a[l] = new float[sizes[l] * columns];
            }
        }

        /** z_l, a_l and the scalars an iteration hands to the next, under {@code batch/index/}. */
        void save(SolverState out, int index) {
            String at = "batch/" + index + "/";
            for (int l = 0; l < depth; l++) {
                out.put(at + "z/" + l, z[l]);
                if (a[l] != null) out.put(at + "a/" + l, a[l]);
            }
            double[] flags = new double[depth];
            for (int l = 0; l < depth; l++) flags[l] = pending[l] ? 1 : 0;
            out.put(at + "rr", rr);
            out.put(at + "shrunk", shrunk);
            out.put(at + "pending", flags);
            out.put(at + "risk", risk);
            out.put(at + "unprojected", unprojected);
        }

        /** Takes this batch's variables from {@code in} (a resumed run); false when it holds none for these columns. */
        boolean restore(SolverState in, int index) {
            String at = "batch/" + index + "/";
            if (in == null || in.length(at + "z/0") != z[0].length) return false;
            for (int l = 0; l < depth; l++) {
                System.arraycopy(in.floats(at + "z/" + l, z[l].length), 0, z[l], 0, z[l].length);
                if (a[l] != null) System.arraycopy(in.floats(at + "a/" + l, a[l].length), 0, a[l], 0, a[l].length);
            }
            in.copyInto(at + "rr", rr);
            in.copyInto(at + "shrunk", shrunk);
            double[] flags = in.doubles(at + "pending", depth);
            for (int l = 0; l < depth; l++) pending[l] = flags[l] != 0;
            risk = in.scalar(at + "risk");
            unprojected = in.scalar(at + "unprojected");
            return true;
        }

        /** Columns [from, to) of layer l's input (x, or a_l), float64, in the chunk's scratch. */
        R064Store input(int l, int from, int to, Chunk c) {
            R064Store in = c.in[l];
            if (l == 0) data.widenTrain(samples, from, to, in.data, 0);
            else passes.widen(a[l], from * sizes[l], in.data, 0, in.data.length);
            return in;
        }

        /**
         * Columns [from, to) of layer l's input as stored in float32 (a_l, or x) from {@link #inputOffset}: in place,
         * or for a batch of scattered samples gathered into the chunk's x32 (once per chunk and batch).
         */
        float[] input32(int l, int from, int to, Chunk c) {
            if (l > 0) return a[l];
            if (contiguous) return data.x(Dataset.Split.TRAIN);
            if (c.gathered != this || c.gatheredFrom != from) {
                data.copyTrain(samples, from, to, c.x32, 0);
                c.gathered = this;
                c.gatheredFrom = from;
            }
            return c.x32;
        }

        int inputOffset(int l, int from) {
            if (l > 0) return from * sizes[l];
            return contiguous ? (samples[0] + from) * sizes[0] : 0;
        }

        /**
         * W_l times the input's columns [from, to), float32, into uArray[uOff]: read from the ∇_a φ buffer if it is kept
         * there (see keepLast), else a product into the chunk's out32 (into that buffer, and kept, when {@code keep}).
         */
        void product(int l, int from, int to, Chunk c, boolean keep) {
            int rows = sizes[l + 1];
            if (kept == this && l == depth - 2) {
                uArray = gradients.get(columns, newGradient);
                uOff = from * rows;
                return;
            }
            boolean into = keep && keeping && l == depth - 2;
            uArray = into ? gradients.get(columns, newGradient) : c.out32[l + 1];
            uOff = into ? from * rows : 0;
            direct.gemm(false, false, rows, to - from, sizes[l], 1f, weights32[l], 0, input32(l, from, to, c),
                    inputOffset(l, from), 0f, uArray, uOff);
        }

        /**
         * Columns [from, to) of r_l = W_l a_{l−1} + b_l − z_l; returns ‖r‖² of them. In float64 into the chunk's out[l + 1]
         * (its input in in[l]); with float32 products as float32 into r32 from rOff.
         */
        double residual(Network net, int l, int from, int to, Chunk c, float[] r32, int rOff) {
            boolean project = pending[l]; // first the projection of the last ε shrink (see shrink), from the same u
            passZ = z[l];
            passA = project ? a[l + 1] : null; // only hidden layers are ever pending
            passOff = from * sizes[l + 1];
            passEps = epsilon;
            passFlag = project;
            if (project && to == columns) pending[l] = false;
            R064Store r = affine(net, l, from, to, false); // in c.out[l + 1], its input (float64) in c.in[l]
            passU = r.data;
            passes.run(r.data.length, residualPass);
            if (direct == null) return dot(r);
            passR = r32;
            passROff = rOff;
            return passes.sum(r.data.length, narrowPass);
        }

        /** Columns [from, to) of u_l = W_l a_{l−1} + b_l, in the chunk's scratch ({@code keep}: see {@link #product}). */
        R064Store affine(Network net, int l, int from, int to, boolean keep) {
            Chunk c = chunk(from, to);
            R064Store u = c.out[l + 1];
            if (direct == null) {
                forward.affine(gemm, net, l, input(l, from, to, c), u);
            } else {
                product(l, from, to, c, keep);
                biased(net.bias(l).data, u);
            }
            return u;
        }

        /** ⟨g · x xᵀ, g⟩ = ‖g x‖² for the first layer's inputs x; x xᵀ is made on the first call. */
        double inputGramNorm(R064Store g, R064Store product) {
            if (inputGram == null) {
                inputGram = Ops.make(sizes[0], sizes[0]);
                for (int from = 0; from < columns; from += CHUNK) {
                    int to = Math.min(from + CHUNK, columns);
                    Chunk c = chunk(from, to);
                    if (direct == null) {
                        R064Store in = input(0, from, to, c);
                        gemm.gemm(false, true, 1, in, in, from == 0 ? 0 : 1, inputGram);
                    } else {
                        float[] x = input32(0, from, to, c);
                        int off = inputOffset(0, from);
                        direct.gemm(false, true, to - from, 1, x, off, x, off, from == 0 ? 0 : 1, inputGram);
                    }
                }
            }
            gemm.multiply(false, false, g, inputGram, product);
            return passes.dot(product.data, g.data, g.data.length);
        }

        /** Σ_l φ_l = (ρ/N) / 2 · Σ_l ‖r_l‖². */
        double penalty() {
            double sum = 0;
            for (int l = 0; l < depth; l++) sum += rr[l];
            return 0.5 * p.rho() / columns * sum;
        }

        /**
         * The eq. (4) step for ε = {@code eps}, z_l ← Π_[B₁, B₂](u) with u = W_l a_{l−1} + b_l, made only when
         * {@code apply}; returns ‖u − z_l‖² after it and leaves the value before it in {@link #unprojected}.
         */
        double project(int l, Network net, double eps, boolean apply) {
            int rows = sizes[l + 1];
            double sum = 0;
            double before = 0;
            for (int from = 0; from < columns; from += CHUNK) {
                int to = Math.min(from + CHUNK, columns);
                passU = affine(net, l, from, to, apply).data;
                passZ = z[l];
                passA = a[l + 1];
                passOff = from * rows;
                passEps = eps;
                passFlag = apply;
                passes.sums(rows * (to - from), 2, projectPass, projected);
                sum += projected[0];
                before += projected[1];
            }
            unprojected = before;
            if (apply && keeping && l == depth - 2) kept = this;
            return sum;
        }

        /**
         * The rise of Σ_l φ_l when every hidden z_l is projected onto the ε-ball of radius {@code eps} (the
         * eq. (4) step for that ε), both sides with the weights in force (with one batch, those of its
         * iteration); nothing is changed.
         */
        double restrict(Network net, double eps) {
            double rise = 0;
            for (int l = 0; l < depth - 1; l++) {
                shrunk[l] = project(l, net, eps, false);
                rise += shrunk[l] - unprojected;
            }
            return 0.5 * p.rho() / columns * rise;
        }

        /**
         * Takes the shrink {@link #restrict} last costed: its ‖r_l‖² now, its projection of z_l in the next pass
         * that computes u = W_l a_{l−1} + b_l ({@link #residual}, the next iteration's first for layer l), which
         * saves a pass; with one batch nothing in between changes u, so z_l is what it would be now.
         */
        void shrink() {
            for (int l = 0; l < depth - 1; l++) {
                rr[l] = shrunk[l];
                pending[l] = true;
            }
        }

        /** z_l = W_l a_{l−1} + b_l, a_l = h(z_l): every constraint holds (r = 0 up to the float32 rounding of z). */
        void forward(Network net, Batch batch) {
            risk = 0;
            for (int l = 0; l < depth; l++) {
                int rows = sizes[l + 1];
                boolean hidden = l < depth - 1;
                double sum = 0;
                for (int from = 0; from < columns; from += CHUNK) {
                    int to = Math.min(from + CHUNK, columns);
                    R064Store u = affine(net, l, from, to, false);
                    double[] ud = u.data;
                    int off = from * rows;
                    for (int i = 0; i < ud.length; i++) {
                        float zi = (float) ud[i];
                        z[l][off + i] = zi;
                        sum += (ud[i] - zi) * (ud[i] - zi);
                        if (hidden) a[l + 1][off + i] = (float) h.apply(zi);
                        else ud[i] = zi;
                    }
                    if (!hidden) {
                        R064Store y = chunk(from, to).target;
                        System.arraycopy(batch.y().data, off, y.data, 0, ud.length);
                        risk += loss.value(u, y);
                    }
                }
                rr[l] = sum;
            }
        }
    }
}
