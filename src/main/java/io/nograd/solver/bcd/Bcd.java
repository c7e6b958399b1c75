package io.nograd.solver.bcd;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
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
import io.nograd.solver.Solver;
import io.nograd.solver.SolverState;

/**
 * Algorithm 1 (three-splitting BCD) of Zeng, Lau, Lin &amp; Yao, <i>Global Convergence of Block Coordinate Descent in
 * Deep Learning</i> (ICML 2019), the "DLAM" baseline of the iPDLAM paper (Qiao et al., §3: "the parameters of the DLAM
 * is adopted as the default parameters given in [15]"). With V_0 = X, U_i the pre-activations, V_i the activations
 * and V_N the output, it minimises
 * <pre>
 *   ℓ(V_N, Y) + γ/2 ‖V_N − U_N‖² + Σ_{i&lt;N} γ/2 ‖V_i − σ(U_i)‖² + Σ_i ρ/2 ‖U_i − W_i V_{i−1} − b_i‖²
 * </pre>
 * block by block from the output down, each iteration:
 * <ol>
 * <li>V_N ← argmin ℓ(V, Y) + γ/2‖V − U_N‖² + α/2‖V − V_N^{k−1}‖², for the squared loss ℓ = ½‖V − Y‖² of the
 * paper's experiments (Y + γU_N + αV_N)/(1 + γ + α); for cross-entropy the shared {@link LossProx};</li>
 * <li>U_N ← argmin γ/2‖V_N − U‖² + ρ/2‖U − W_N V_{N−1} − b_N‖² = (γV_N + ρ(W_N V_{N−1} + b_N))/(γ + ρ);</li>
 * <li>W_N, b_N ← argmin ρ/2‖U_N − W V_{N−1} − b‖² + α/2(‖W − W^{k−1}‖² + ‖b − b^{k−1}‖²) (a ridge solve);</li>
 * <li>for i = N−1 … 1: V_i ← argmin γ/2‖V − σ(U_i)‖² + ρ/2‖U_{i+1} − W_{i+1}V − b_{i+1}‖² (no proximal term;
 * (ρWᵀW + γI)V = ρWᵀ(U_{i+1} − b_{i+1}) + γσ(U_i) by Cholesky); U_i ← argmin γ/2‖V_i − σ(U)‖² + ρ/2‖U − W_i V_{i−1}
 * − b_i‖² + α/2‖U − U_i^{k−1}‖² (ReLU: elementwise, the smaller of the two branches); W_i, b_i as in 3.</li>
 * </ol>
 * <p>
 * Why a solver of its own and not an iPDLAM preset: Zeng's splitting keeps an output variable V_N beside U_N (the
 * iPDLAM paper notes its formulation has none), weighs activations and constraints separately (γ, ρ, no warm-up), puts
 * α on U, W, b and V_N but not on the hidden V, and sweeps layer by layer (V, U, W per layer) over the full batch,
 * which iPDLAM's full-batch path (block order, δρ on every block) does not do. iPDLAM with α = β = γ = δ = 0 (its
 * preset {@code plain-am}) is the plain alternating minimisation of iPDLAM's own Φ_ρ, a different baseline.
 * <p>
 * Choices, following the authors' PyTorch code (Lau's re-implementation, the one the defaults come from):
 * <ul>
 * <li><b>Full batch</b> by default, as the code; with several batches each keeps its own U, V (and W, b are
 * updated on each batch in turn), like {@code dlam}.</li>
 * <li><b>W and b</b> are updated together from the old pair (the code's {@code updateWb} computes b with the old W),
 * with the same α on both.</li>
 * <li>Initialisation as the code and the iPDLAM paper: W ~ N(0, 0.01²), b = 0.1, U and V by a forward pass.</li>
 * <li><b>Products and factors in float32</b> by default ({@code precision}, {@code factors}), as the code's PyTorch
 * tensors and as iPDLAM, the method the baseline is compared with; the variables stay float64.</li>
 * <li>With α = 0 the W step's system ρVVᵀ is singular when a batch has fewer samples than inputs; a ridge of
 * 10⁻⁸ × its mean diagonal keeps it solvable.</li>
 * </ul>
 */
final class Bcd implements Solver {

    private final Loss loss;
    private final LossProx lossProx;
    private final int[] sizes;
    private final int depth;
    private final BcdParams p;
    /** The large products in params.precision; the Cholesky factors and solves in params.factors. */
    private final Gemm gemm;
    private final Map<Integer, Lifted> lifted = new HashMap<>();
    private final BatchBuffers<R064Store[]> scratch = new BatchBuffers<>();
    /**
     * The batch whose W_l V_{l−1} + b_l, every layer, its scratch still holds from the objective; −1 if none. Steps 2
     * and 4b of that batch's next iteration start from exactly these products when no other batch came between, as in
     * full batch, so they are not computed twice.
     */
    private int productsOf = -1;
    /** Per layer l: the d_l × d_l system of W_l's step (reused for V_{l−1}'s), its factor and W_l's right-hand side. */
    private final R064Store[] gram;
    private final Spd[] spd;
    private final R064Store[] rhs;
    private final R064Store[] oldBias;

    Bcd(Loss loss, int[] sizes, BcdParams p, int threads) {
        this.loss = loss;
        this.gemm = p.precision().products(Passes.of(threads));
        this.lossProx = new LossProx(loss, sizes[sizes.length - 1]);
        this.sizes = sizes.clone();
        this.depth = sizes.length - 1;
        this.p = p;
        gram = new R064Store[depth];
        spd = new Spd[depth];
        rhs = new R064Store[depth];
        oldBias = new R064Store[depth];
        for (int l = 0; l < depth; l++) {
            gram[l] = Ops.make(sizes[l], sizes[l]);
            spd[l] = Spd.of(sizes[l], p.floatFactors());
            rhs[l] = Ops.make(sizes[l + 1], sizes[l]);
            oldBias[l] = Ops.make(sizes[l + 1], 1);
        }
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        double objective = 0;
        double[] residuals = new double[depth];
        for (Batch batch : batches) {
            cancel.check();
            Lifted s = lifted.get(batch.index());
            boolean kept = s != null && s.columns == batch.size();
            if (!kept) {
                s = new Lifted(batch.size());
                s.forward(net, batch.x());
                lifted.put(batch.index(), s);
            }
            R064Store[] work = scratch.get(batch.size(), this::layerBuffers);
            iterate(net, batch, s, work, kept && productsOf == batch.index());
            objective += s.objective(net, batch, residuals, work);
            productsOf = batch.index();
        }
        double[] norms = new double[depth];
        for (int l = 0; l < depth; l++) {
            residuals[l] = Math.sqrt(residuals[l] / batches.samples());
            norms[l] = Ops.norm(net.weight(l));
        }
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("constraintResiduals", residuals);
        diagnostics.put("weightFrobeniusNorms", norms);
        return new EpochReport(objective, diagnostics);
    }

    /** Every batch's U_i and V_i: Algorithm 1 carries them from one epoch (iteration) into the next. */
    @Override
    public void saveState(SolverState out) {
        double[] keys = lifted.keySet().stream().mapToDouble(Integer::doubleValue).sorted().toArray();
        out.put("batches", keys);
        for (double key : keys) {
            Lifted s = lifted.get((int) key);
            for (int l = 0; l < depth; l++) {
                out.put("u/" + (int) key + "/" + l, s.u[l].data);
                out.put("v/" + (int) key + "/" + l, s.v[l].data);
            }
        }
    }

    @Override
    public void restoreState(SolverState in) {
        int keys = in.length("batches");
        if (keys < 0 || in.names().size() != 1 + 2 * depth * keys) throw new SolverState.Mismatch("not BCD's state for " + depth + " layers");
        for (double key : in.doubles("batches", keys)) {
            String first = "u/" + (int) key + "/0";
            int n = in.length(first);
            if (n <= 0 || n % sizes[1] != 0) throw new SolverState.Mismatch(first + " does not hold whole columns of " + sizes[1]);
            Lifted s = new Lifted(n / sizes[1]);
            for (int l = 0; l < depth; l++) {
                in.copyInto("u/" + (int) key + "/" + l, s.u[l].data);
                in.copyInto("v/" + (int) key + "/" + l, s.v[l].data);
            }
            lifted.put((int) key, s);
        }
        productsOf = -1;
    }

    /** One units × m scratch per layer, then step 1's centre (outputs × m). */
    private R064Store[] layerBuffers(int m) {
        R064Store[] out = new R064Store[depth + 1];
        for (int l = 0; l < depth; l++) out[l] = Ops.make(sizes[l + 1], m);
        out[depth] = Ops.make(sizes[depth], m);
        return out;
    }

    /**
     * One iteration of Algorithm 1 on one batch's U, V; {@code work} holds one scratch per layer and step 1's centre;
     * {@code products}: the layers' scratches hold W_l V_{l−1} + b_l of the current iterate ({@link #productsOf}).
     */
    private void iterate(Network net, Batch batch, Lifted s, R064Store[] work, boolean products) {
        double gamma = p.gamma();
        double rho = p.rho();
        double alpha = p.alpha();
        int out = depth - 1;
        // step 1: V_N = argmin ℓ(V, Y) + (γ + α)/2‖V − c‖², c = (γU_N + αV_N^{k−1})/(γ + α); MSE: (Y + γU_N + αV_N)/(1 + γ + α)
        double[] vd = s.v[out].data;
        double[] ud = s.u[out].data;
        R064Store centre = work[depth];
        double[] cd = centre.data;
        for (int i = 0; i < vd.length; i++) cd[i] = (gamma * ud[i] + alpha * vd[i]) / (gamma + alpha);
        lossProx.applyFrom(batch.y(), centre, gamma + alpha, s.v[out]);
        // step 2: U_N = (γV_N + ρ(W_N V_{N−1} + b_N))/(γ + ρ)
        R064Store pre = work[out];
        if (!products) forward(net, out, s.input(out, batch), pre);
        double[] pd = pre.data;
        for (int i = 0; i < ud.length; i++) ud[i] = (gamma * vd[i] + rho * pd[i]) / (gamma + rho);
        // step 3: W_N, b_N
        weights(net, out, s, batch, pre);
        for (int l = out - 1; l >= 0; l--) {
            // step 4a: V_l = (ρW_{l+1}ᵀW_{l+1} + γI)⁻¹(ρW_{l+1}ᵀ(U_{l+1} − b_{l+1}) + γσ(U_l))
            R064Store w = net.weight(l + 1);
            R064Store g = gram[l + 1];
            gemm.gemm(true, false, rho, w, w, 0, g);
            Ops.addDiagonal(g, gamma);
            R064Store shifted = work[l + 1];
            Ops.copy(s.u[l + 1], shifted);
            Ops.subtractColumn(shifted, net.bias(l + 1));
            double[] v = s.v[l].data;
            double[] u = s.u[l].data;
            for (int i = 0; i < v.length; i++) v[i] = gamma * Math.max(u[i], 0);
            gemm.gemm(true, false, rho, w, shifted, 1, s.v[l]);
            spd[l + 1].factor(g);
            spd[l + 1].solveLeft(s.v[l]);
            // step 4b: U_l = argmin γ/2‖V_l − σ(U)‖² + (ρ + α)/2‖U − c‖², c = (ρ(W_l V_{l−1} + b_l) + αU_l^{k−1})/(ρ + α)
            // W_l and V_{l−1} are still the objective's: W_l moves in step 4c, V_{l−1} in the next pass's step 4a
            R064Store before = work[l];
            if (!products) forward(net, l, s.input(l, batch), before);
            double[] bd = before.data;
            double r = (rho + alpha) / gamma;
            for (int i = 0; i < u.length; i++) u[i] = reluProx(v[i], (rho * bd[i] + alpha * u[i]) / (rho + alpha), r);
            // step 4c: W_l, b_l
            weights(net, l, s, batch, before);
        }
    }

    /**
     * W_l, b_l ← argmin ρ/2‖U_l − W V_{l−1} − b‖² + α/2(‖W − W_l‖² + ‖b − b_l‖²), each from the old pair as the authors'
     * code does: W = (αW_l + ρ(U_l − b_l)V_{l−1}ᵀ)(αI + ρV_{l−1}V_{l−1}ᵀ)⁻¹, b = (αb_l + ρΣ_j(U_l − W_l V_{l−1})_j)/(ρm + α).
     * {@code pre} holds W_l V_{l−1} + b_l with the old pair.
     */
    private void weights(Network net, int l, Lifted s, Batch batch, R064Store pre) {
        double rho = p.rho();
        double alpha = p.alpha();
        R064Store in = s.input(l, batch);
        int m = s.columns;
        R064Store b = net.bias(l);
        Ops.copy(b, oldBias[l]);
        // b: Σ_j (U − W_old V)_j = Σ_j (U − pre)_j + m·b_old
        double[] bd = b.data;
        double[] ud = s.u[l].data;
        double[] pd = pre.data;
        int rows = sizes[l + 1];
        double[] sums = new double[rows];
        for (int j = 0, idx = 0; j < m; j++) for (int i = 0; i < rows; i++, idx++) sums[i] += ud[idx] - pd[idx];
        for (int i = 0; i < rows; i++) bd[i] = (alpha * bd[i] + rho * (sums[i] + m * oldBias[l].data[i])) / (rho * m + alpha);
        // W: (αW + ρ(U − b_old)Vᵀ)(αI + ρVVᵀ)⁻¹; pre is free now and takes U − b_old
        Ops.copy(s.u[l], pre);
        Ops.subtractColumn(pre, oldBias[l]);
        R064Store right = rhs[l];
        Ops.copy(net.weight(l), right);
        Ops.scale(right, alpha);
        gemm.gemm(false, true, rho, pre, in, 1, right);
        R064Store g = gram[l];
        gemm.gemm(false, true, rho, in, in, 0, g);
        double ridge = alpha;
        if (ridge <= 0) {
            double trace = 0;
            for (int i = 0; i < sizes[l]; i++) trace += g.data[i * sizes[l] + i];
            ridge = Math.max(1e-8 * trace / sizes[l], 1e-12);
        }
        Ops.addDiagonal(g, ridge);
        spd[l].factor(g);
        spd[l].solveRight(right);
        Ops.copy(right, net.weight(l));
    }

    /** into = W_l·in + b_l. */
    private void forward(Network net, int l, R064Store in, R064Store into) {
        gemm.multiply(false, false, net.weight(l), in, into);
        Ops.addColumn(into, net.bias(l));
    }

    /** argmin_x (max(x, 0) − t)² + r(x − v)²: the better of the branch x ≥ 0 and the branch x ≤ 0. */
    static double reluProx(double t, double v, double r) {
        double up = Math.max((t + r * v) / (1 + r), 0);
        double down = Math.min(v, 0);
        double fu = (up - t) * (up - t) + r * (up - v) * (up - v);
        double fd = t * t + r * (down - v) * (down - v);
        return fu <= fd ? up : down;
    }

    /** One batch's U_i and V_i, kept between epochs (V_N is the output variable). */
    private final class Lifted {
        final int columns;
        final R064Store[] u;
        final R064Store[] v;

        Lifted(int columns) {
            this.columns = columns;
            u = new R064Store[depth];
            v = new R064Store[depth];
            for (int l = 0; l < depth; l++) {
                u[l] = Ops.make(sizes[l + 1], columns);
                v[l] = Ops.make(sizes[l + 1], columns);
            }
        }

        /** U and V by a forward pass, V_N = U_N. */
        void forward(Network net, R064Store x) {
            for (int l = 0; l < depth; l++) {
                Bcd.this.forward(net, l, l == 0 ? x : v[l - 1], u[l]);
                double[] ud = u[l].data;
                double[] vd = v[l].data;
                boolean hidden = l < depth - 1;
                for (int i = 0; i < ud.length; i++) vd[i] = hidden ? Math.max(ud[i], 0) : ud[i];
            }
        }

        R064Store input(int l, Batch batch) {
            return l == 0 ? batch.x() : v[l - 1];
        }

        /** The objective after the iteration; adds each layer's Σ‖U − WV − b‖² to {@code residuals}. */
        double objective(Network net, Batch batch, double[] residuals, R064Store[] work) {
            double gamma = p.gamma();
            double rho = p.rho();
            int out = depth - 1;
            double fit = loss.value(v[out], batch.y());
            double link = 0;
            double[] vd = v[out].data;
            double[] ud = u[out].data;
            for (int i = 0; i < vd.length; i++) link += (vd[i] - ud[i]) * (vd[i] - ud[i]);
            for (int l = 0; l < out; l++) {
                double[] a = v[l].data;
                double[] z = u[l].data;
                for (int i = 0; i < a.length; i++) {
                    double d = a[i] - Math.max(z[i], 0);
                    link += d * d;
                }
            }
            double constraints = 0;
            for (int l = 0; l < depth; l++) {
                R064Store pre = work[l];
                Bcd.this.forward(net, l, input(l, batch), pre);
                double sum = 0;
                double[] pd = pre.data;
                double[] z = u[l].data;
                for (int i = 0; i < z.length; i++) sum += (z[i] - pd[i]) * (z[i] - pd[i]);
                residuals[l] += sum;
                constraints += sum;
            }
            return fit + gamma / 2 * link + rho / 2 * constraints;
        }
    }
}
