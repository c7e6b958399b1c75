package io.nograd.solver.admm;

import java.util.LinkedHashMap;
import java.util.Map;

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
import io.nograd.solver.ColumnSample;
import io.nograd.solver.EpochReport;
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;
import io.nograd.solver.TrainingShape;

/**
 * Zhang &amp; Kleijn, "Training deep neural networks via optimization over graphs": Table 1's backward ADMM
 * sweep per mini-batch, with Table 2's inner ADMM for the ReLU/DCutLU slack variables of each hidden layer.
 * <p>
 * <b>Orientation.</b> The paper has samples as rows: X_i = V_{i−1}W_i + e·b_i with X_i ∈ ℝ^{m×n_i}. Here
 * samples are columns, so every matrix of the paper is stored transposed: the paper's X_i, Y_i, Z_i, Λ_i,
 * Γ_i are our n_i × m stores, its W_i (n_{i−1} × n_i) is our {@code net.weight(i − 1)} (n_i × n_{i−1}), its
 * row vector b_i our column {@code net.bias(i − 1)}, and constraint (12) reads X_i = W_i·V_{i−1} + b_i·eᵀ.
 * Layers keep the paper's numbers i = 1 … N in this class; V_0 is the batch's input.
 * <p>
 * <b>Closed forms.</b> Every block is quadratic over boxes:
 * <ul>
 * <li>Output X_N: for mse f_N = ½‖X_N − O‖² exactly; for cross-entropy its model c·‖X − X̂‖² + ⟨softmax(X̂) − O, X − X̂⟩
 *   around the forward output X̂ (§5), whose minimiser with p_N is one element-wise formula.</li>
 * <li>(X_i, Y_i, Z_i) in Table 2's first step: setting the gradient of (17) to zero gives Y = P_y + G/β,
 *   Z = P_z + G/β, X = (ρ_i Q + β P_x + G)/(ρ_i + β) with G = ρ_{i+1} W_{i+1}ᵀ(T − W_{i+1} S), S = X + Y + Z; S is
 *   linear in G, so G solves (I + κ ρ_{i+1} W_{i+1}ᵀW_{i+1}) G = ρ_{i+1} W_{i+1}ᵀ (T − W_{i+1} s₀), κ = 1/(ρ_i + β) + k/β
 *   with k slack blocks (1 for ReLU, which drops Z by Remark 1; 2 for DCutLU). When n_{i+1} &lt; n_i the
 *   same G comes from the smaller n_{i+1} × n_{i+1} system by the push-through identity (10 × 10 under the
 *   output layer), else from the n_i × n_i one; one Cholesky factor per layer and batch, no inverse.</li>
 * <li>The copies (X^c, Y^c, Z^c) of Table 2's last step: the Euclidean projection, entry by entry, onto the
 *   constraints (9)–(10) of the entry's index set, a ray or a box. The strict inequalities of (9a), (10a) are
 *   taken as closed (the projection onto an open set does not exist).</li>
 * <li>(W_i, b_i): with g_i = γ/2‖(W_i, b_i)‖² a ridge regression of T_i = X_i + Λ_i/ρ_i on [V_{i−1}; eᵀ] whose
 *   (n_{i−1} + 1)² normal matrix is factored once per batch ({@link Spd}); the bias is penalised too, as g_i says.</li>
 * </ul>
 * <b>Choices the paper leaves open</b> (the runs that decided them: bench/results/admm.md):
 * <ul>
 * <li>Λ_i restart at 0 for every mini-batch, as Table 1 writes; their columns belong to that batch's samples
 *   (keeping them per training sample across epochs did worse and grew the output layer).</li>
 * <li>"Quadratic coefficient 0.05" is the coefficient c of (x − x̂)² (curvature 2c), params.quadratic; the other
 *   reading, 0.05 on ½(x − x̂)², is params.quadratic = 0.025.</li>
 * <li>ρ_N for mse defaults to 0.5, not the paper's 0.05 (which it tuned with cross-entropy): with Λ reset, the
 *   (W_N, b_N) step fits T_N = 2X_N − X̂_N = X̂_N + 2(O − X̂_N)/(1 + ρ_N), which for ρ_N = 0.05 nearly reflects X̂_N
 *   through the targets and oscillates.</li>
 * <li>Otherwise the defaults are the paper's §5 values, as issue 7 asks, though equal ρ_i = β_i = 0.5 trains
 *   better: the paper's small ρ_N = 0.05 lets each batch's output step go 1/(2c + ρ_N) ≈ 6.7 gradients deep,
 *   which the per-batch ridge of (W_N, b_N) then fits exactly.</li>
 * <li>Remark 2: the layer-i step uses the old (W_{i+1}, b_{i+1}); new weights are written to the network only
 *   after the sweep, as Table 1's last line.</li>
 * <li>Products in float32 by default ({@code precision}, {@link Float32Gemm}): the forward pass, the ridge Gram
 *   matrices and right-hand sides and the slack step's products; the variables stay float64. The Cholesky factors
 *   and solves of the ridge and slack systems are float32 by default too ({@code factors}, {@link Spd#of}): the
 *   ridge γ/ρ_i and the identity keep them away from singular. The 10-epoch accuracy is float64's within ADMM's
 *   epoch-to-epoch swing either way (bench/results/performance.md).</li>
 * <li>The element-wise steps (the forward pass's cut-offs, Table 2's loops, the dual ascent) run on the job's thread
 *   budget ({@link Passes}); they have no sums, so any budget gives the same bits.</li>
 * </ul>
 * <b>Reported per epoch:</b> the augmented Lagrangian (14) after each batch's sweep (true loss, not its
 * quadratic model; the indicators are zero since the copies are feasible), averaged over the epoch's batches,
 * and the per-layer figures that {@link AdmmFactory#diagnostics()} defines. Their constraint terms need one more
 * product per layer with the new weights, which no step has; they are estimated on the first
 * {@value AdmmFactory#REPORT_COLUMNS} columns of each batch (a random sample: batches are shuffled).
 */
final class Admm implements Solver {

    /** The columns of each batch on which the reported Lagrangian's constraint terms are evaluated. */
    static final ColumnSample REPORT_SAMPLE = new ColumnSample(AdmmFactory.REPORT_COLUMNS);

    private final AdmmParams p;
    private final Loss loss;
    private final int depth;
    private final int[] n;
    /** Lower cut-off l (0 for ReLU) and upper u (+∞ for ReLU). */
    private final double lower;
    private final double upper;
    private final boolean dcut;
    private final LayerSystems[] systems;
    private final BatchBuffers<Workspace> buffers = new BatchBuffers<>();
    /** The products in params.precision; the Cholesky factors and solves ({@link Spd}) in params.factors. */
    private final Gemm gemm;
    private final Passes passes;
    private final ForwardPass.Threaded affine;
    /** The element-wise passes' bodies, made once; {@link #at} points them at a layer's arrays. */
    private final Elementwise pass = new Elementwise();
    private final Passes.Range cutOffs = pass::cutOffs;
    private final Passes.Range slackCentre = pass::slackCentre;
    private final Passes.Range slackStep = pass::slackStep;
    private final Passes.Range slackSum = pass::slackSum;
    private final Passes.Range dual = pass::dual;

    Admm(TrainingShape shape, AdmmParams p) {
        this.p = p;
        this.passes = Passes.of(shape.threads());
        this.gemm = p.precision().products(passes);
        this.affine = new ForwardPass.Threaded(passes);
        this.loss = shape.loss();
        this.depth = shape.depth();
        this.n = shape.layers().clone();
        Activation act = shape.activation();
        if (act instanceof Activation.DCutLU d) {
            lower = d.lower();
            upper = d.upper();
            dcut = true;
        } else {
            lower = 0;
            upper = Double.POSITIVE_INFINITY;
            dcut = false;
        }
        systems = new LayerSystems[depth + 1];
        for (int i = 1; i <= depth; i++) systems[i] = new LayerSystems(i);
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        double lagrangian = 0;
        double[] residuals = new double[depth];
        double[] multipliers = new double[depth];
        int count = 0;
        for (Batch batch : batches) {
            cancel.check();
            Workspace w = workspace(batch.size());
            lagrangian += step(net, batch, w);
            for (int i = 1; i <= depth; i++) {
                residuals[i - 1] += w.residual[i];
                multipliers[i - 1] += Ops.norm(w.lambda[i]);
            }
            count++;
        }
        double[] weightNorms = new double[depth];
        for (int i = 1; i <= depth; i++) {
            residuals[i - 1] /= count;
            multipliers[i - 1] /= count;
            weightNorms[i - 1] = Ops.spectralNorm(net.weight(i - 1), 30);
        }
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("admmResiduals", residuals);
        diagnostics.put("weightSpectralNorms", weightNorms);
        diagnostics.put("multiplierNorms", multipliers);
        return new EpochReport(lagrangian / count, diagnostics);
    }

    /** One iteration of Table 1 on one mini-batch; returns the augmented Lagrangian (14) after it. */
    private double step(Network net, Batch batch, Workspace w) {
        // Table 1: feed X_0 to the DNN and initialise X̂_i, Ŷ_i, Ẑ_i, Ω_i^l, Ω_i^u (eqs. 4–8); Λ̂_i = 0
        forward(net, batch.x(), w);
        for (int i = depth; i >= 1; i--) {
            if (i == depth) {
                outputUpdate(batch.y(), w);
            } else {
                slackUpdate(net, i, w);
            }
            // Table 1: dual ascent Λ_i ← Λ_i + ρ_i (X_i − (X_{i−1} + Y_{i−1} + Z_{i−1})W_i − e b_i), old W_i, V_{i−1}
            dualAscent(i, w);
            // Table 1: (W_i, b_i) = argmin L_i, a ridge regression (eqs. 15–16 with g_i)
            weightUpdate(i, w);
        }
        // Table 1: (Ŵ_i, b̂_i) = (Ŵ_i^new, b̂_i^new) for all i, after the sweep (Remark 2)
        for (int i = 1; i <= depth; i++) systems[i].storeInto(net.weight(i - 1), net.bias(i - 1));
        return lagrangian(net, batch, w);
    }

    /** eqs. (4)–(8): X_i = W_i V_{i−1} + b_i, slacks Y_i, Z_i from the cut-offs, V_i = X_i + Y_i + Z_i; Λ_i = 0. */
    private void forward(Network net, R064Store input, Workspace w) {
        w.v[0] = input;
        for (int i = 1; i <= depth; i++) {
            // the affine step of the forward pass; the cut-offs below take φ's place
            affine.affine(gemm, net, i - 1, w.v[i - 1], w.xHat[i]);
            java.util.Arrays.fill(w.lambda[i].data, 0);
            if (i == depth) break;
            passes.run(pass.at(i, w).xh.length, cutOffs);
            java.util.Arrays.fill(w.gx[i].data, 0);
            java.util.Arrays.fill(w.gy[i].data, 0);
            if (dcut) java.util.Arrays.fill(w.gz[i].data, 0);
        }
    }

    /**
     * Table 1 for i = N: X_N = argmin f_N(X_N; O) + p_N. MSE exactly: X_N = (O + ρ_N X̂_N − Λ_N)/(1 + ρ_N). Cross-entropy
     * by its quadratic model around X̂_N (§5): X_N = X̂_N − (softmax(X̂_N) − O + Λ_N)/(2c + ρ_N).
     */
    private void outputUpdate(R064Store target, Workspace w) {
        double rho = p.rho()[depth];
        double[] xh = w.xHat[depth].data;
        double[] x = w.x[depth].data;
        double[] lam = w.lambda[depth].data;
        if (loss == Loss.MSE) {
            double[] o = target.data;
            for (int e = 0; e < x.length; e++) x[e] = (o[e] + rho * xh[e] - lam[e]) / (1 + rho);
            return;
        }
        loss.gradient(w.xHat[depth], target, w.work[depth]);
        double[] g = w.work[depth].data;
        double step = 1 / (2 * p.quadratic() + rho);
        for (int e = 0; e < x.length; e++) x[e] = xh[e] - step * (g[e] + lam[e]);
    }

    /**
     * Table 2 for hidden layer i: the inner ADMM over (X_i, Y_i, Z_i), Γ_i and the copies (X^c, Y^c, Z^c) that
     * carry the indicators f_i, with the old (W_{i+1}, b_{i+1}) and the new X_{i+1}, Λ_{i+1} (eq. 17).
     * On return x, y, z hold the copies (X^c, Y^c, Z^c), which Table 2 takes as (X̂_i^new, Ŷ_i^new, Ẑ_i^new).
     */
    private void slackUpdate(Network net, int i, Workspace w) {
        LayerSystems s = systems[i];
        R064Store wAbove = net.weight(i);
        double rhoAbove = p.rho()[i + 1];
        double rho = p.rho()[i];
        double beta = p.beta()[i];
        int slacks = dcut ? 2 : 1;
        double kappa = 1 / (rho + beta) + slacks / beta;
        s.factorSlackSystem(wAbove, kappa * rhoAbove);
        int entries = pass.at(i, w).xh.length;
        for (int k = 0; k < p.innerIterations(); k++) {
            // eq. (17), first step of Table 2: s₀
            passes.run(entries, slackCentre);
            // R = T_{i+1} − b_{i+1} − W_{i+1} s₀, with T_{i+1} = X_{i+1} + Λ_{i+1}/ρ_{i+1}
            R064Store r = w.work[i + 1];
            Ops.copy(w.target[i + 1], r);
            Ops.subtractColumn(r, net.bias(i));
            gemm.gemm(false, false, -1, wAbove, w.work[i], 1, r);
            // G = ρ_{i+1} (I + κρ_{i+1} W_{i+1}ᵀW_{i+1})⁻¹ W_{i+1}ᵀ R = ρ_{i+1} W_{i+1}ᵀ (I + κρ_{i+1} W_{i+1}W_{i+1}ᵀ)⁻¹ R
            if (s.pushThrough) {
                s.slackSystem.solveLeft(r);
                gemm.gemm(true, false, rhoAbove, wAbove, r, 0, w.work[i]);
            } else {
                gemm.gemm(true, false, rhoAbove, wAbove, r, 0, w.work[i]);
                s.slackSystem.solveLeft(w.work[i]);
            }
            // Table 2's closed form, the Γ step and the projection of the copies
            passes.run(entries, slackStep);
        }
        // V_i = X_i + Y_i + Z_i with the new slacks, the input of layer i+1 from now on
        passes.run(entries, slackSum);
    }

    /** Table 1: Λ_i ← Λ_i + ρ_i (X_i − W_i V_{i−1} − b_i) = Λ_i + ρ_i (X_i − X̂_i); then T_i = X_i + Λ_i/ρ_i. */
    private void dualAscent(int i, Workspace w) {
        passes.run(pass.at(i, w).x.length, dual);
    }

    /**
     * The element-wise steps of one layer over an index range [from, to), for {@link Passes}: {@link #at} sets the
     * layer's arrays and scalars before a pass.
     */
    private final class Elementwise {
        double[] xh;
        double[] x;
        double[] y;
        double[] z;
        double[] v;
        double[] lam;
        double[] gx;
        double[] gy;
        double[] gz;
        double[] work;
        double[] t;
        double rho;
        double beta;

        Elementwise at(int i, Workspace w) {
            xh = w.xHat[i].data;
            x = w.x[i].data;
            lam = w.lambda[i].data;
            t = w.target[i].data;
            work = w.work[i].data;
            rho = p.rho()[i];
            boolean hidden = i < depth;
            y = hidden ? w.y[i].data : null;
            v = hidden ? w.v[i].data : null;
            gx = hidden ? w.gx[i].data : null;
            gy = hidden ? w.gy[i].data : null;
            z = hidden && dcut ? w.z[i].data : null;
            gz = hidden && dcut ? w.gz[i].data : null;
            beta = hidden ? p.beta()[i] : Double.NaN;
            return this;
        }

        /** eqs. (4)–(8): X = X̂, the slacks Y, Z from the cut-offs, V = X + Y + Z. */
        void cutOffs(int from, int to) {
            for (int e = from; e < to; e++) {
                double a = xh[e];
                double lo = Math.max(a, lower);
                double hi = Math.min(lo, upper);
                x[e] = a;
                y[e] = lo - a;
                if (dcut) z[e] = hi - lo;
                v[e] = hi;
            }
        }

        /** s₀ = (ρ_i Q + β P_x)/(ρ_i + β) + P_y + P_z, Q = X̂_i − Λ_i/ρ_i, P = copy − Γ/β, into work. */
        void slackCentre(int from, int to) {
            double[] xc = x;
            double[] yc = y;
            double[] zc = z;
            for (int e = from; e < to; e++) {
                double q = xh[e] - lam[e] / rho;
                double px = xc[e] - gx[e] / beta;
                double py = yc[e] - gy[e] / beta;
                double pz = dcut ? zc[e] - gz[e] / beta : 0;
                work[e] = (rho * q + beta * px) / (rho + beta) + py + pz;
            }
        }

        /** From G in work: Table 2's (X, Y, Z) step, Γ's ascent and the copies' projection onto (9)–(10). */
        void slackStep(int from, int to) {
            double[] xc = x;
            double[] yc = y;
            double[] zc = z;
            for (int e = from; e < to; e++) {
                double g = work[e];
                double q = xh[e] - lam[e] / rho;
                // Table 2: (X_i, Y_i, Z_i) = argmin L_{i,β_i}, closed form
                double xs = (rho * q + beta * (xc[e] - gx[e] / beta) + g) / (rho + beta);
                double ys = yc[e] - gy[e] / beta + g / beta;
                // Table 2: Γ ← Γ + β_i ((X_i, Y_i, Z_i) − (X^c, Y^c, Z^c))
                gx[e] += beta * (xs - xc[e]);
                gy[e] += beta * (ys - yc[e]);
                double a = xs + gx[e] / beta;
                double b = ys + gy[e] / beta;
                double c = 0;
                if (dcut) {
                    double zs = zc[e] - gz[e] / beta + g / beta;
                    gz[e] += beta * (zs - zc[e]);
                    c = zs + gz[e] / beta;
                }
                // Table 2: (X^c, Y^c, Z^c) = argmin f_i + β_i/2‖· − (X + Γ/β)‖², the projection onto (9)–(10)
                double ref = xh[e];
                double x;
                double yNew = 0;
                double zNew = 0;
                if (ref < lower) {
                    // Ω_i^l, (9a)–(9b) and (10c)–(10d): x ≤ l on the line x + y = l; z = 0
                    x = Math.min(0.5 * (a + lower - b), lower);
                    yNew = lower - x;
                } else if (ref > upper) {
                    // Ω_i^u, (10a)–(10b) and (9c)–(9d): x ≥ u on the line x + z = u; y = 0
                    x = Math.max(0.5 * (a + upper - c), upper);
                    zNew = upper - x;
                } else {
                    // complements, (9c)–(9d) and (10c)–(10d): l ≤ x ≤ u, y = z = 0
                    x = Math.min(Math.max(a, lower), upper);
                }
                xc[e] = x;
                yc[e] = yNew;
                if (dcut) zc[e] = zNew;
            }
        }

        /** V = X + Y + Z. */
        void slackSum(int from, int to) {
            for (int e = from; e < to; e++) v[e] = x[e] + y[e] + (dcut ? z[e] : 0);
        }

        /** Λ ← Λ + ρ (X − X̂), T = X + Λ/ρ. */
        void dual(int from, int to) {
            for (int e = from; e < to; e++) {
                lam[e] += rho * (x[e] - xh[e]);
                t[e] = x[e] + lam[e] / rho;
            }
        }
    }

    /**
     * Table 1: (W_i, b_i) = argmin γ/2‖(W_i, b_i)‖² + ρ_i/2‖T_i − W_i V_{i−1} − b_i eᵀ‖², i.e.
     * [W_i b_i]·(Ṽ Ṽᵀ + (γ/ρ_i) I) = T_i Ṽᵀ with Ṽ = [V_{i−1}; eᵀ], solved by Cholesky.
     */
    private void weightUpdate(int i, Workspace w) {
        systems[i].ridge(w.v[i - 1], w.target[i], p.weightDecay() / p.rho()[i]);
    }

    /**
     * eq. (14) after the sweep, with the new weights; also fills w.residual. Reporting only: the constraint terms
     * are estimated on {@link #REPORT_SAMPLE}'s columns (see {@link AdmmFactory#objective()}).
     */
    private double lagrangian(Network net, Batch batch, Workspace w) {
        double value = loss.value(w.x[depth], batch.y());
        double scale = REPORT_SAMPLE.scale(w.m);
        for (int i = 1; i <= depth; i++) {
            R064Store r = w.work[i];
            int s = REPORT_SAMPLE.residual(net.weight(i - 1), net.bias(i - 1), w.v[i - 1], w.x[i], r);
            double rr = scale * ColumnSample.dot(r, r, s);
            w.residual[i] = Math.sqrt(rr);
            double wb = Ops.dot(net.weight(i - 1), net.weight(i - 1)) + Ops.dot(net.bias(i - 1), net.bias(i - 1));
            value += 0.5 * p.weightDecay() * wb + 0.5 * p.rho()[i] * rr + scale * ColumnSample.dot(w.lambda[i], r, s);
        }
        return value;
    }

    private Workspace workspace(int m) {
        return buffers.get(m, Workspace::new);
    }

    /**
     * The batch-size-independent systems of layer i: the ridge regression's normal matrix and its factor, the
     * new [W_i b_i], and for a hidden layer the Gram system of the slack step.
     */
    private final class LayerSystems {
        final int in;
        final int out;
        final R064Store gramTop;
        final R064Store gram;
        final Spd ridgeSystem;
        final R064Store rhsTop;
        final R064Store sums;
        /** [W_i b_i], n_i × (n_{i−1} + 1), column-major: W_i's columns then b_i. */
        final R064Store wb;
        final boolean pushThrough;
        final R064Store slackMatrix;
        final Spd slackSystem;

        LayerSystems(int i) {
            in = n[i - 1];
            out = n[i];
            gramTop = Ops.make(in, in);
            gram = Ops.make(in + 1, in + 1);
            ridgeSystem = Spd.of(in + 1, p.factors() == Precision.FLOAT32);
            rhsTop = Ops.make(out, in);
            sums = Ops.make(Math.max(in, out), 1);
            wb = Ops.make(out, in + 1);
            if (i < depth) {
                int above = n[i + 1];
                pushThrough = above < out;
                int k = Math.min(above, out);
                slackMatrix = Ops.make(k, k);
                slackSystem = Spd.of(k, p.factors() == Precision.FLOAT32);
            } else {
                pushThrough = false;
                slackMatrix = null;
                slackSystem = null;
            }
        }

        /** Factors I + s·W Wᵀ (push-through form) or I + s·WᵀW, W = W_{i+1} (the old weights, Remark 2). */
        void factorSlackSystem(R064Store wAbove, double s) {
            if (pushThrough) {
                gemm.gram(false, s, wAbove, slackMatrix);
            } else {
                gemm.gram(true, s, wAbove, slackMatrix);
            }
            Ops.addDiagonal(slackMatrix, 1);
            slackSystem.factor(slackMatrix);
        }

        /** [W_i b_i] ← T Ṽᵀ (Ṽ Ṽᵀ + λ I)⁻¹ with Ṽ = [V; eᵀ]. */
        void ridge(R064Store v, R064Store t, double lambda) {
            int m = Ops.cols(v);
            int dim = in + 1;
            gemm.gram(false, 1, v, gramTop);
            double[] g = gram.data;
            double[] gt = gramTop.data;
            for (int c = 0; c < in; c++) System.arraycopy(gt, c * in, g, c * dim, in);
            Ops.rowSums(v, 1, sums);
            for (int r = 0; r < in; r++) {
                g[in * dim + r] = sums.data[r];
                g[r * dim + in] = sums.data[r];
            }
            g[in * dim + in] = m;
            Ops.addDiagonal(gram, lambda);
            ridgeSystem.factor(gram);
            gemm.multiply(false, true, t, v, rhsTop);
            System.arraycopy(rhsTop.data, 0, wb.data, 0, out * in);
            Ops.rowSums(t, 1, sums);
            System.arraycopy(sums.data, 0, wb.data, out * in, out);
            ridgeSystem.solveRight(wb);
        }

        void storeInto(R064Store weight, R064Store bias) {
            System.arraycopy(wb.data, 0, weight.data, 0, out * in);
            System.arraycopy(wb.data, out * in, bias.data, 0, out);
        }
    }

    /** The per-batch-size variables of the lifted problem: n_i × m stores per layer. */
    private final class Workspace {
        final int m;
        /** V_i = X_i + Y_i + Z_i; v[0] is the batch's input (not owned). */
        final R064Store[] v;
        /** X̂_i from the forward pass; its signs against l, u are Ω_i^l, Ω_i^u (eqs. 7–8). */
        final R064Store[] xHat;
        /** X_i: the output's new value; for hidden layers the copies X^c, which end Table 2 as X_i^new. */
        final R064Store[] x;
        final R064Store[] y;
        final R064Store[] z;
        final R064Store[] gx;
        final R064Store[] gy;
        final R064Store[] gz;
        final R064Store[] lambda;
        /** T_i = X_i + Λ_i/ρ_i, the target of the (W_i, b_i) regression and of layer i−1's slack step. */
        final R064Store[] target;
        final R064Store[] work;
        final double[] residual;

        Workspace(int m) {
            this.m = m;
            int len = depth + 1;
            v = new R064Store[len];
            xHat = new R064Store[len];
            x = new R064Store[len];
            y = new R064Store[len];
            z = new R064Store[len];
            gx = new R064Store[len];
            gy = new R064Store[len];
            gz = new R064Store[len];
            lambda = new R064Store[len];
            target = new R064Store[len];
            work = new R064Store[len];
            residual = new double[len];
            for (int i = 1; i <= depth; i++) {
                xHat[i] = Ops.make(n[i], m);
                x[i] = Ops.make(n[i], m);
                lambda[i] = Ops.make(n[i], m);
                target[i] = Ops.make(n[i], m);
                work[i] = Ops.make(n[i], m);
                if (i == depth) continue;
                v[i] = Ops.make(n[i], m);
                y[i] = Ops.make(n[i], m);
                gx[i] = Ops.make(n[i], m);
                gy[i] = Ops.make(n[i], m);
                if (dcut) {
                    z[i] = Ops.make(n[i], m);
                    gz[i] = Ops.make(n[i], m);
                }
            }
        }
    }
}
