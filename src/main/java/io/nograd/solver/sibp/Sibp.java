package io.nograd.solver.sibp;

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
import io.nograd.solver.BatchBuffers;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.Solver;

/**
 * Algorithm 1 of Liu &amp; Zhang, <i>Semi-Implicit Back Propagation</i> (2023), on each mini-batch (Remark 4.2):
 * a forward pass; an explicit step on the output neurons, F_N^{k+½} = F_N − η·∂L/∂F_N; then for each layer
 * from the top down, the implicit (proximal) update of W_i and then b_i by eq. (4.1), the error carried down
 * through the <em>new</em> W_i and the explicit step on F_i by eq. (4.2).
 * <p>
 * Choices the paper leaves open (the runs that decided them: bench/results/sibp.md):
 * <ul>
 * <li><b>Scaling.</b> ∂L/∂F_N is the gradient of the loss <em>summed</em> over the batch (softmax − Y per
 * sample for cross-entropy, F_N − Y for ½‖·‖²), not divided by the batch size, as in the authors' code; the
 * data term of eq. (4.1) is the plain squared Frobenius norm over the batch. Averaging makes the paper's η
 * too small.</li>
 * <li><b>η over epochs.</b> Algorithm 1 prints a constant η; Theorem 4.2 (mini-batch convergence) needs a
 * decreasing η_k with Ση_k = ∞ and Ση_k² &lt; ∞. The default {@code inverse-epoch} uses η/e in epoch e: a
 * constant η peaks and then wanders while the output layer's ‖W‖ keeps growing. {@code constant} remains for
 * Table 2's sweeps.</li>
 * <li><b>Defaults η = 1, λ = 1</b>, the best row of Table 2's grid η ∈ {0.1, 1, 10} × λ ∈ {0.01, 1, 100}; λ
 * barely matters.</li>
 * <li><b>λ</b> weighs the proximal term as the paper writes it, 1/(2λ_i)‖W − W^k‖², so a larger λ moves
 * further (the authors' code multiplies by λ instead).</li>
 * <li><b>The subproblems</b> are solved by {@link ProximalFit}: Fletcher–Reeves CG with Armijo backtracking
 * started at the old weights, run in the batch-sized coefficient space W − W^k = C·Fᵀ, which gives the
 * iterates of CG on W itself at the cost of one units × batch × batch product per CG step.</li>
 * <li><b>Remark 4.1's regulariser</b> (ℓ1 or ℓ2 on W) is applied as its proximal map with step λ_i after the
 * CG solve of the smooth part: W ← prox_{λγr}(W̃). This is exact when the data term is flat and otherwise
 * evaluates the data gradient at W̃ rather than at W (a forward–backward splitting of eq. (4.1)); the ℓ1
 * map sets weights exactly to zero, which is what pruning (§5.5) needs and what CG alone would never do.
 * γ is per batch and the data term sums over the batch, so a γ that zeroes most of W_1 makes the output
 * layer's weights grow to compensate.</li>
 * <li><b>Error propagation</b> (eq. (4.2)) uses σ′ at the forward pass's G_{i+1}^k, as printed.</li>
 * <li><b>Products in float32</b> by default ({@code precision}, {@link Float32Gemm}): the forward pass, the Gram
 *   matrices FᵀF, the CG's products with them and the weight updates; the CG's vectors and sums stay float64.
 *   The 10-epoch accuracy is that of float64 to 0.05 points (bench/results/performance.md).</li>
 * </ul>
 * <p>
 * Reported per epoch: the mean per-sample decrease of the batch loss over one sweep, L(F_N^k) − L(F_N^{k+1})
 * on the same batch (Theorem 4.1's descent: positive while the implicit steps work), which costs a forward
 * pass of every layer above the first, whose new pre-activation the CG already holds; and the per-layer
 * figures that {@link SibpFactory#diagnostics()} defines.
 */
final class Sibp implements Solver {

    private final Loss loss;
    private final SibpParams p;
    private final BatchBuffers<Workspace> buffers = new BatchBuffers<>();
    /** The products in params.precision; the CG's own arithmetic is float64 either way. */
    private final Gemm gemm;
    /** The CG's element-wise passes on the job's threads (between products, which use the same threads). */
    private final Passes passes;
    private final ForwardPass.Threaded forward;
    private final Passes.Range stepPass = this::stepRange;
    private final Passes.Range slopePass = this::slopeRange;
    private double[] passA;
    private double[] passB;
    private double[] passOut;
    private Activation passPhi;
    private double eta;

    Sibp(Loss loss, SibpParams p, int threads) {
        this.loss = loss;
        this.p = p;
        this.passes = Passes.of(threads);
        this.gemm = p.precision().products(passes);
        this.forward = new ForwardPass.Threaded(passes);
    }

    @Override
    public EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel) {
        int depth = net.depth();
        eta = p.etaSchedule() == SibpParams.EtaSchedule.INVERSE_EPOCH ? p.eta() / batches.epoch() : p.eta();
        double[] residuals = new double[depth];
        double[] steps = new double[depth];
        double decrease = 0;
        int batchCount = 0;
        for (Batch batch : batches) {
            cancel.check();
            Workspace w = workspace(net, batch.size());
            decrease += sweep(net, w, batch.x(), batch.y(), residuals, steps);
            batchCount++;
        }
        double[] weightNorms = new double[depth];
        for (int l = 0; l < depth; l++) {
            residuals[l] /= batchCount;
            steps[l] /= batchCount;
            weightNorms[l] = Ops.norm(net.weight(l));
        }
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("fitResidualRatios", residuals);
        diagnostics.put("weightFrobeniusNorms", weightNorms);
        diagnostics.put("weightStepNorms", steps);
        if (p.regularizer() == SibpParams.Regularizer.L1) {
            double[] sparsity = new double[depth];
            for (int l = 0; l < depth; l++) {
                double[] wd = net.weight(l).data;
                int zeros = 0;
                for (double v : wd) if (v == 0) zeros++;
                sparsity[l] = (double) zeros / wd.length;
            }
            diagnostics.put("sparsity", sparsity);
        }
        return new EpochReport(decrease / batches.samples(), diagnostics);
    }

    /** One iteration of Algorithm 1 on a batch; returns L(F_N^k) − L(F_N^{k+1}) and adds the layers' figures. */
    private double sweep(Network net, Workspace w, R064Store x, R064Store y, double[] residuals, double[] steps) {
        int last = net.depth() - 1;
        // eq. (2.1): forward pass G_{i+1}^k = W_i^k F_i^k + b_i^k, F_{i+1}^k = σ(G_{i+1}^k)
        R064Store out = w.forward(net, x, 0);
        double before = loss.value(out, y);
        // δ_N^k = ∂L(F_N^k, Y)/∂F_N and the explicit step F_N^{k+½} = F_N^k − η δ_N^k
        loss.gradient(out, y, w.delta[last + 1]);
        step(out, w.delta[last + 1], w.target[last + 1]);
        for (int l = last; l >= 0; l--) {
            R064Store f = w.a[l];
            Activation phi = net.activation(l);
            ProximalFit fit = w.fit[l];
            double lambda = p.lambda()[l];
            // eq. (4.1), first line: W_i^{k+1} = argmin ‖σ(W F_i^k + b_i^k) − F_{i+1}^{k+½}‖² + 1/(2λ_i)‖W − W_i^k‖²
            gemm.gram(true, 1, f, w.gram[l]);
            Ops.copy(w.z[l], w.fitted[l]);
            fit.solve(w.fitted[l], w.target[l + 1], phi, lambda, w.kernel[l]);
            double start = fit.initialResidual();
            steps[l] += Math.sqrt(fit.stepSquared());
            gemm.gemm(false, true, 1, fit.coefficients(), f, 1, net.weight(l));
            // Remark 4.1: + γ r(W_i), by its proximal map with step λ_i
            if (regularize(net.weight(l), lambda)) {
                forward.affine(gemm, net, l, f, w.fitted[l]);
            }
            // eq. (4.1), second line: b_i^{k+1} = argmin ‖σ(W_i^{k+1} F_i^k + b) − F_{i+1}^{k+½}‖² + 1/(2λ_i)‖b − b_i^k‖²
            fit.solveBias(w.fitted[l], w.target[l + 1], phi, lambda);
            fit.addBiasStep(net.bias(l).data);
            residuals[l] += start > 0 ? Math.sqrt(fit.finalResidual() / start) : 0;
            if (l > 0) {
                // eq. (4.2): δ_i^k = (W_i^{k+1})ᵀ (σ′(G_{i+1}^k) ⊙ δ_{i+1}^k), F_i^{k+½} = F_i^k − η δ_i^k
                R064Store upper = w.delta[l + 1];
                passOut = upper.data;
                passA = w.z[l].data;
                passPhi = phi;
                passes.run(passOut.length, slopePass);
                gemm.multiply(true, false, net.weight(l), upper, w.delta[l]);
                step(f, w.delta[l], w.target[l]);
            }
        }
        // L(F_N^{k+1}): layer 1's new pre-activation is the one its subproblem ended at
        net.activation(0).apply(w.fitted[0].data, w.a[1].data, w.a[1].data.length);
        return before - loss.value(w.forward(net, x, 1), y);
    }

    /** target = F − η·δ. */
    private void step(R064Store f, R064Store delta, R064Store target) {
        passA = f.data;
        passB = delta.data;
        passOut = target.data;
        passes.run(passOut.length, stepPass);
    }

    private void stepRange(int from, int to) {
        double[] fd = passA;
        double[] dd = passB;
        double[] td = passOut;
        double e = eta;
        for (int i = from; i < to; i++) td[i] = fd[i] - e * dd[i];
    }

    /** δ ← δ ⊙ σ′(G) on [from, to), δ in passOut, G in passA. */
    private void slopeRange(int from, int to) {
        double[] ud = passOut;
        double[] zd = passA;
        Activation phi = passPhi;
        for (int i = from; i < to; i++) ud[i] *= phi.derivative(zd[i]);
    }

    /** Applies prox_{λγr} to W in place; false when there is no regulariser. */
    private boolean regularize(R064Store weight, double lambda) {
        double[] wd = weight.data;
        double shrink = lambda * p.gamma();
        switch (p.regularizer()) {
            case L1 -> {
                for (int i = 0; i < wd.length; i++) {
                    double v = wd[i];
                    wd[i] = v > shrink ? v - shrink : (v < -shrink ? v + shrink : 0);
                }
                return true;
            }
            case L2 -> {
                Ops.scale(weight, 1 / (1 + shrink));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private Workspace workspace(Network net, int size) {
        return buffers.get(size, s -> new Workspace(net.sizes(), s, p, gemm, passes, forward));
    }

    /** Every buffer of one batch size: the forward pass, targets, errors, Gram matrices and CG state. */
    private static final class Workspace {
        final int columns;
        final R064Store[] z;
        final R064Store[] a;
        final R064Store[] delta;
        final R064Store[] target;
        final R064Store[] fitted;
        final R064Store[] gram;
        final ProximalFit.Kernel[] kernel;
        final ProximalFit[] fit;

        private final Gemm gemm;
        private final ForwardPass.Threaded pass;

        Workspace(int[] sizes, int columns, SibpParams p, Gemm gemm, Passes passes, ForwardPass.Threaded pass) {
            this.gemm = gemm;
            this.pass = pass;
            this.columns = columns;
            int depth = sizes.length - 1;
            z = new R064Store[depth];
            fitted = new R064Store[depth];
            gram = new R064Store[depth];
            kernel = new ProximalFit.Kernel[depth];
            fit = new ProximalFit[depth];
            a = new R064Store[depth + 1];
            delta = new R064Store[depth + 1];
            target = new R064Store[depth + 1];
            for (int l = 0; l < depth; l++) {
                z[l] = Ops.make(sizes[l + 1], columns);
                fitted[l] = Ops.make(sizes[l + 1], columns);
                gram[l] = Ops.make(columns, columns);
                kernel[l] = ProximalFit.gram(gemm, gram[l]);
                fit[l] = new ProximalFit(sizes[l + 1], columns, p.cgIterations(), p.backtracking(), p.sigma(), passes);
                a[l + 1] = Ops.make(sizes[l + 1], columns);
                delta[l + 1] = Ops.make(sizes[l + 1], columns);
                target[l + 1] = Ops.make(sizes[l + 1], columns);
            }
        }

        /** Forward pass from layer {@code from} (a[from] already set, a[0] = x); returns the output. */
        R064Store forward(Network net, R064Store x, int from) {
            a[0] = x;
            for (int l = from; l < net.depth(); l++) pass.layer(gemm, net, l, a[l], z[l], net.activation(l), a[l + 1]);
            return a[net.depth()];
        }
    }
}
