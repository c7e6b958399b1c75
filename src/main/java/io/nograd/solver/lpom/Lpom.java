package io.nograd.solver.lpom;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Loss;
import io.nograd.nn.Network;

/**
 * Serial LPOM, Algorithm 1 of Li et al., "Training Neural Networks by Lifted Proximal Operator Machines"
 * (TPAMI 2022), on the lifted objective F(W, X) of eq. (19):
 * <pre>
 * for each mini-batch (X^1, D):
 *   X^2 … X^n ← forward pass with the current W
 *   repeat K1 times:
 *     ⓑ X^n  ← ν·X̃ + (1 − ν)·X^n,  X̃ after K3 steps of eq. (29): X̃ ← φ(W^{n-1}X^{n-1} − (1/μ)·∂ℓ(X̃, D)/∂X^n)
 *     ⓐ X^i  for i = n−1 … 2 from X̃ after K3 steps of eq. (26):
 *              X̃ ← φ(W^{i-1}X^{i-1} − (W^i)ᵀ(φ(W^i X̃) − X^{i+1}))
 *            (footnote 5: X^i ← ν_i·X̃ + (1 − ν_i)·X^i, ν_i per sample or per batch, or a Newton step, below)
 *   ⓒ W^i for i = 1 … n−1: K2 steps of Algorithm 2 on problem (31), each the least-squares step (36)
 * </pre>
 * Our choices where the paper leaves room (reasons and measurements: bench/results/lpom.md):
 * <ul>
 * <li><b>Order</b> ({@code order}). A forward-consistent X is a fixed point of eq. (26), so ⓐ before ⓑ from the forward
 * pass would train only the last layer. The default, {@code output-first}, updates the output first in each sweep, then
 * the hidden layers backwards (Algorithm 3's schedule): the hidden targets then move by about 1/(1 + μ) of the output's
 * error, so μ acts as a step size. {@code algorithm-1} keeps the printed order and instead starts X^n at the label D,
 * the one start under which ⓐ is not a no-op; ⓐ runs backwards (forwards, the label's pull would not reach X^2 in K1
 * sweeps of a deep net), then ⓑ moves X^n from D to eq. (29)'s fixed point. Its hidden targets are pulled by the label
 * itself, so it is nearly flat in μ, as the paper's Table 6 is.</li>
 * <li><b>Penalties per layer</b> ({@code muScaling}). To first order a batch's sweeps converge to the back-propagated
 * gradient at each pre-activation times 1/μ_{i+1}, which carries a factor φ′ ≤ β per layer above. The default,
 * {@code lipschitz}, sets μ_{i+1}/μ_i = 1/β (β of the activation producing X^{i+1}) to offset it: μ_i = μ·4^{i−n} for
 * sigmoid, and the paper's one μ wherever β = 1. {@code equal} is one μ for every layer, as the paper sets it for
 * Table 6 (§6.1.3), where it leaves a deep sigmoid net's lower layers almost still.</li>
 * <li><b>Moving average</b> (footnote 5) in the serial solver too; ℓ summed over the batch; the bias as a ones row of
 * X^i, dropped from (W^i)ᵀ in eq. (26); φ on the output under MSE, the identity under softmax cross-entropy; β of eq. (36) is φ's Lipschitz constant.</li>
 * <li><b>Ridge instead of (X^i)^†</b> in eq. (36): each step also pays λ/2‖[W b] − Y‖², with λ = {@code lambda} × the mean
 * eigenvalue of the batch's centred activation covariance at that layer, tr(X_c X_cᵀ)/n_in. The exact pseudo-inverse fits
 * every batch and random-walks; relative to the spread of the layer's own inputs, λ means the same at every layer,
 * width, batch size and activation scale. It does not follow that spread below the job's first batch's (per sample):
 * with W unregularised, a layer's inputs can shrink while its weights grow, and a ridge that shrank with them would let
 * the drift run (see LiftedBatch.WeightStep).</li>
 * <li><b>The hidden step</b> ({@code hiddenStep}). Eq. (26) converges by itself only for Theorem 2's ρ &lt; 1, which
 * deep nets exceed. {@code averaged} is footnote 5's moving average with ν_i = min(ν, 2/(2 + ρ̂_i)), the
 * Krasnosel'skii–Mann step that contracts to the same fixed point, ρ̂_i a power-iteration estimate, over the whole
 * batch, of the top eigenvalue of eq. (26)'s linearisation at the batch's current point rather than the global bound
 * κ²‖W^i‖₂² (see LiftedBatch#estimateRho); its factors 1 − ν_i(1 + σ) leave the flat directions slow and, since ρ̂_i is
 * the typical sample's, the stiff ones of the samples above ρ̂_i + 1 growing and changing sign at every sweep.
 * {@code chebyshev} gives each sample its own steps: the K1 Chebyshev steps for that sample's [1, 1 + ρ̂_j], shortest
 * first (LiftedBatch#chebyshev), at the top hidden layer and every second one below, the others averaged. {@code newton}
 * moves X^i by Newton's step on eq. (26)'s linearised fixed-point equation with the batch's slopes per unit, kept in
 * φ's range (see LiftedBatch.NewtonStep): it takes stiff and flat directions to the fixed point alike. The default,
 * {@code auto}, takes newton where φ saturates at both ends (sigmoid, tanh, dcutlu): there ρ̂ grows with the weights
 * above and, for sigmoid under {@code muScaling = lipschitz}, with μ_{i+1}/μ_i = 4, so capped steps stay slow where
 * the Newton step needs no cap. Where φ(z) = z above 0 (ReLU, leaky ReLU, ELU) it takes chebyshev, which trains
 * every such net of the paper faster than the averaged step at about its cost; elsewhere averaged (softplus, whose
 * slopes change along a long step, is unstable with the schedule), and so in Sync-LPOM (neighbouring layers there move
 * in one sweep), with K3 &gt; 1 (one update is then K3 steps of the map) and with an even K1 (below)
 * (bench/results/lpom.md, sessions 8, 19–24).</li>
 * <li><b>Sweeps</b> ({@code k1}, the paper's K1, which it leaves open). Where φ saturates at both ends the hidden sweeps
 * contract slowly, so the default takes 6 there; elsewhere 3, an odd count: on the shallow ReLU nets an even K1 leaves
 * the output pre-activations of the samples with the stiffest hidden layers far behind their targets, which the W steps
 * then fit, with either step and most with Chebyshev's (bench/results/lpom.md, sessions 18, 22–24).</li>
 * <li><b>The labels D</b> of eq. (27) under MSE are the ends of φ's range where it is bounded at both ends: ±1 for
 * tanh, whose one-hot 0 would be its steepest point ({@link io.nograd.nn.ClassTargets}).</li>
 * <li><b>Algorithm 2 in the sample space.</b> Every iterate of eq. (36) is W₀ + Q·[X^i; 1ᵀ]ᵀ, so the K2 steps run on
 * n_out × m matrices with the m × m Gram matrix, and W is written once (see {@link LiftedBatch}).</li>
 * </ul>
 */
final class Lpom extends LpomSolver {

    Lpom(int[] sizes, Loss loss, LpomParams p) {
        super(sizes, loss, p);
    }

    @Override
    void solveBatch(Network net, LiftedBatch lifted, R064Store target, EpochFigures figures) {
        int n = net.depth() + 1;
        if (p.order() == LpomParams.Order.ALGORITHM_1) {
            lifted.startOutputAt(target);
            // ⓐ eq. (26): X^{n-1} … X^2, backwards, K1 times, pulled towards X^n = D
            for (int k = 0; k < p.k1(); k++) {
                for (int i = n - 1; i >= 2; i--) lifted.updateHidden(net, i);
            }
            // ⓑ eq. (29): X^n, K1 times, from D
            for (int k = 0; k < p.k1(); k++) lifted.updateOutput(net, target);
        } else {
            for (int k = 0; k < p.k1(); k++) {
                // ⓑ eq. (29): X^n, first, so the label reaches the hidden layers within the sweep
                lifted.updateOutput(net, target);
                // ⓐ eq. (26): X^{n-1} … X^2, backwards
                for (int i = n - 1; i >= 2; i--) lifted.updateHidden(net, i);
            }
        }
        // ⓒ Algorithm 2 on (31): W^1 … W^{n-1}
        for (int i = 1; i < n; i++) lifted.updateWeights(net, i, figures);
    }
}
