package io.nograd.solver.proxbp;

import java.util.LinkedHashMap;
import java.util.Map;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.nn.Backprop;
import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Gemm;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Passes;
import io.nograd.solver.BatchBuffers;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverState;

/**
 * Algorithm 1 (ProxProp) of Frerix, Möllenhoff, Moeller &amp; Cremers, <i>Proximal Backpropagation</i> (ICLR 2018),
 * on each mini-batch. The paper writes training as the penalty function E(θ, a, z) = L_y(φ(θ_{L−1}, a_{L−2}))
 * + Σ_l γ/2‖σ(z_l) − a_l‖² + Σ_l ρ/2‖φ(θ_l, a_{l−1}) − z_l‖², φ(θ, a) = W·a + b, and takes one pass of steps on it:
 * <ol>
 * <li>forward pass at θ^k: z_l^k = φ(θ_l^k, a_{l−1}^k), a_l^k = σ(z_l^k), a_0 = X;</li>
 * <li>explicit gradient step on the loss w.r.t. (θ_{L−1}, a_{L−2}) with step τ;</li>
 * <li>for l = L−2 … 1: explicit steps on E w.r.t. z_l and a_{l−1} (with γ = ρ = 1/τ they give
 * z_l^{k+½} = z_l^k − τ·∂L/∂z_l and pass the error down with θ_l^k, exactly as BackProp: Proposition 1), then the
 * <b>proximal</b> step on θ_l:
 * θ_l^{k+1} = argmin_θ ½‖φ(θ, a_{l−1}^k) − z_l^{k+½}‖² + 1/(2τ_θ)‖θ − θ_l^k‖², a ridge least-squares problem,
 * equivalently θ_l^k − τ·(I/τ_θ + ããᵀ)⁻¹-preconditioned gradient step (ã = [a; 1]).</li>
 * </ol>
 * The seeds hold no copy of this paper; its steps are named here by the lines of Algorithm 1, and the details
 * below were settled against the authors' public code ({@code ProxProp.py}).
 * <p>
 * Choices:
 * <ul>
 * <li><b>Scaling.</b> L is the <em>mean</em> loss of the batch, as in the authors' code (PyTorch's
 * {@code CrossEntropyLoss}), and τ is their optimizer's learning rate: the code takes the step with the
 * error of the mean loss and hands θ^k − θ^{k+1} to the optimizer, which by linearity is the step of size τ.</li>
 * <li><b>W and b together.</b> The proximal step solves for [W b] against ã = [a; 1] jointly, as the authors'
 * {@code ProxPropLinear} does.</li>
 * <li><b>The subproblem</b> ({@link ProximalStep}) is solved in the batch's m-dimensional coefficient space
 * (θ^{k+1} − θ^k = X·ãᵀ): exactly by Cholesky, or by N conjugate-gradient steps from θ^k, one CG per output
 * unit as the authors' block CG; N = 5 is what the SIBP paper (§5) used for its ProxBP baseline. The authors'
 * CG also stops early at a relative residual of 10⁻²; this one always takes N steps.</li>
 * <li><b>The output layer</b> takes the explicit gradient step of line 2 by default (the authors' code ends the
 * network with an ordinary {@code nn.Linear}); {@code outputLayer: proximal} gives it the proximal step too, as
 * the SIBP paper's §3.2 writes ProxBP for every layer.</li>
 * <li><b>Momentum.</b> The paper's experiments feed the update to Nesterov SGD (μ = 0.95) or Adam; this solver
 * offers Nesterov momentum on the update (PyTorch's form: v ← μv + Δ, θ ← θ + Δ + μv); μ = 0 is Algorithm 1 as
 * printed.</li>
 * <li><b>Defaults</b> are the paper's MLP experiment as its script runs it: τ = 1, τ_θ = 0.05, the exact solve,
 * Nesterov μ = 0.95; the init is the SIBP paper's N(0, 0.05²). The SIBP paper's baseline (Table 2: τ = η = 0.1,
 * τ_θ = λ, 5 CG steps) is a choice of params. In the coefficient space the exact solve (m³/3 for the factor) is
 * cheaper than five CG steps (2·out·m² each) for the usual batch sizes.</li>
 * <li><b>Products</b> ({@code precision}, {@link Float32Gemm}): float32 makes the forward and backward pass and the
 * step X·ãᵀ sgemm on float32 copies; the weights, the subproblem's m × m Gram matrix and its solve stay float64.</li>
 * </ul>
 */
final class Proxbp implements Solver {

    private final Loss loss;
    private final ProxbpParams p;
    /** Back-propagation's products and the step ΔW = X·ãᵀ in params.precision; the m × m subproblem is float64 either way. */
    private final Gemm gemm;
    private final BatchBuffers<Workspace> buffers = new BatchBuffers<>();
    private R064Store[] stepW;
    private R064Store[] stepB;
    private R064Store[] velocityW;
    private R064Store[] velocityB;
    /** The weight-sized element-wise passes (the update, its norms) on the job's threads. */
    private final Passes passes;
    private final Passes.Range applyPass = this::applyRange;
    private double[] passParam;
    private double[] passDelta;
    private double[] passVelocity;

    private final int[] sizes;

    Proxbp(int[] sizes, Loss loss, ProxbpParams p, int threads) {
        this.sizes = sizes.clone();
        this.loss = loss;
        this.p = p;
        this.passes = Passes.of(threads);
        this.gemm = p.precision().products(passes);
    }

    /** The momentum's velocities (none without momentum): they carry from one epoch into the next. */
    @Override
    public void saveState(SolverState out) {
        if (velocityW == null) return;
        for (int l = 0; l < velocityW.length; l++) {
            out.put("velocityW/" + l, velocityW[l].data);
            out.put("velocityB/" + l, velocityB[l].data);
        }
    }

    @Override
    public void restoreState(SolverState in) {
        if (p.momentum() == 0) return;
        int depth = sizes.length - 1;
        velocityW = new R064Store[depth];
        velocityB = new R064Store[depth];
        for (int l = 0; l < depth; l++) {
            velocityW[l] = Ops.make(sizes[l + 1], sizes[l]);
            velocityB[l] = Ops.make(sizes[l + 1], 1);
            in.copyInto("velocityW/" + l, velocityW[l].data);
            in.copyInto("velocityB/" + l, velocityB[l].data);
        }
    }

    /** Whether layer l (0-based, of {@code depth}) takes the proximal step. */
    static boolean proximal(int l, int depth, ProxbpParams p) {
        return l < depth - 1 || p.outputLayer() == ProxbpParams.OutputLayer.PROXIMAL;
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        int depth = net.depth();
        if (stepW == null) allocate(net);
        double[] residuals = new double[depth];
        double[] steps = new double[depth];
        double lossSum = 0;
        int batchCount = 0;
        for (Batch batch : batches) {
            cancel.check();
            Workspace w = buffers.get(batch.size(), m -> new Workspace(net.sizes(), m, p, gemm));
            lossSum += step(net, w, batch.x(), batch.y(), residuals, steps);
            batchCount++;
        }
        double[] weightNorms = new double[depth];
        for (int l = 0; l < depth; l++) {
            residuals[l] /= Math.max(1, batchCount);
            steps[l] /= Math.max(1, batchCount);
            weightNorms[l] = Ops.norm(net.weight(l));
        }
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("proxResidualRatios", residuals);
        diagnostics.put("weightFrobeniusNorms", weightNorms);
        diagnostics.put("parameterStepNorms", steps);
        return new EpochReport(lossSum / batches.samples(), diagnostics);
    }

    /** One pass of Algorithm 1 on a batch; returns L(θ^k) summed over the batch and adds the layers' figures. */
    private double step(Network net, Workspace w, R064Store x, R064Store y, double[] residuals, double[] steps) {
        int depth = net.depth();
        int m = Ops.cols(x);
        // τ on the mean loss, or on the sum (m times the mean)
        double tau = p.reduction() == ProxbpParams.Reduction.SUM ? p.tau() : p.tau() / m;
        // line 1 and the explicit steps of lines 2–3: forward pass at θ^k, δ_l = ∂(Σ loss)/∂z_l through θ^k
        double value = w.backprop.run(net, loss, x, y);
        for (int l = 0; l < depth; l++) {
            if (proximal(l, depth, p)) {
                // line 3, proximal step: argmin ½‖θã − (z^k − τ ∂L/∂z_l)‖² + 1/(2τ_θ)‖θ − θ^k‖², ∂L/∂z_l = δ_l (/ m)
                ProximalStep solve = w.prox[l];
                R064Store coefficients = solve.solve(w.backprop.input(l), w.backprop.delta(l), tau, p.tauTheta(), p.cgIterations());
                gemm.multiply(false, true, coefficients, w.backprop.input(l), stepW[l]);
                Ops.rowSums(coefficients, 1, stepB[l]);
                double start = solve.initialResidual();
                residuals[l] += start > 0 ? solve.finalResidual() / start : 0;
            } else {
                // line 2: θ_{L−1}^{k+1} = θ_{L−1}^k − τ ∇_θ L (Backprop's gradients are of the mean loss)
                Ops.copy(w.backprop.gradW(l), stepW[l]);
                Ops.scale(stepW[l], -tau * m);
                Ops.copy(w.backprop.gradB(l), stepB[l]);
                Ops.scale(stepB[l], -tau * m);
            }
            // ‖ΔW‖² + ‖Δb‖², each summed as Passes does (reporting only)
            double[] dw = stepW[l].data;
            double[] db = stepB[l].data;
            steps[l] += Math.sqrt(passes.dot(dw, dw, dw.length) + passes.dot(db, db, db.length));
        }
        for (int l = 0; l < depth; l++) {
            apply(net.weight(l), stepW[l], velocityW == null ? null : velocityW[l]);
            apply(net.bias(l), stepB[l], velocityB == null ? null : velocityB[l]);
        }
        return value;
    }

    /** θ ← θ + Δ, or with Nesterov momentum v ← μv + Δ, θ ← θ + Δ + μv. */
    private void apply(R064Store param, R064Store delta, R064Store velocity) {
        passParam = param.data;
        passDelta = delta.data;
        passVelocity = velocity == null ? null : velocity.data;
        passes.run(passParam.length, applyPass);
    }

    /** {@link #apply} on [from, to), the same arithmetic per element as its three passes had. */
    private void applyRange(int from, int to) {
        double[] theta = passParam;
        double[] d = passDelta;
        double[] v = passVelocity;
        for (int i = from; i < to; i++) theta[i] += 1 * d[i];
        if (v == null) return;
        double mu = p.momentum();
        for (int i = from; i < to; i++) v[i] *= mu;
        for (int i = from; i < to; i++) v[i] += 1 * d[i];
        for (int i = from; i < to; i++) theta[i] += mu * v[i];
    }

    private void allocate(Network net) {
        int depth = net.depth();
        stepW = new R064Store[depth];
        stepB = new R064Store[depth];
        for (int l = 0; l < depth; l++) {
            stepW[l] = Ops.make(net.size(l + 1), net.size(l));
            stepB[l] = Ops.make(net.size(l + 1), 1);
        }
        if (p.momentum() > 0 && velocityW == null) {
            velocityW = new R064Store[depth];
            velocityB = new R064Store[depth];
            for (int l = 0; l < depth; l++) {
                velocityW[l] = Ops.make(net.size(l + 1), net.size(l));
                velocityB[l] = Ops.make(net.size(l + 1), 1);
            }
        }
    }

    /** The buffers of one batch size: back-propagation and the proximal step of each proximal layer. */
    private static final class Workspace {
        final Backprop backprop;
        final ProximalStep[] prox;

        Workspace(int[] sizes, int columns, ProxbpParams p, Gemm gemm) {
            int depth = sizes.length - 1;
            backprop = new Backprop(sizes, columns, gemm);
            prox = new ProximalStep[depth];
            for (int l = 0; l < depth; l++) {
                if (proximal(l, depth, p)) prox[l] = new ProximalStep(sizes[l + 1], columns, p.solve() == ProxbpParams.Solve.EXACT);
            }
        }
    }
}
