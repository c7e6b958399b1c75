package io.nograd.solver.lpom;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Loss;
import io.nograd.nn.Network;

/**
 * Serial LPOM, Algorithm 1 of Li et al., "Training Neural Networks by Lifted Proximal Operator Machines"
 * (TPAMI 2022). Per mini-batch: the activations X^2..X^n by fixed-point iteration, then every W^i by
 * Algorithm 2 with the least-squares step (36).
 * <p>
 * Choices the paper leaves open, and the measurements behind them (Fashion-MNIST, 784-500-10, ReLU, MSE,
 * batch 100; bench/results/lpom.md):
 * <ul>
 * <li><b>Start of a batch.</b> X^2..X^n come from a forward pass with the current weights; nothing per
 * sample survives between batches.</li>
 * <li><b>Order.</b> A forward-consistent X is a fixed point of eq. (26) (checked in LpomTest), so Algorithm
 * 1's literal order ⓐ then ⓑ would move only the output and train only the last layer. Each of the K1
 * sweeps updates X^n by eq. (29) first, then X^{n-1} … X^2 backwards, so the label's pull reaches every
 * layer within one sweep. K1 sweeps of one step per layer and K1 steps on each layer in turn gave the same
 * test accuracy (0.838 after 3 epochs on 10k samples); the sweep is kept as it is Algorithm 3's schedule.</li>
 * <li><b>Moving average</b> (footnote 5): every update is X ← ν·X̃ + (1 − ν)·X, X̃ after K3 fixed-point
 * steps, exactly as in Algorithm 3, so both solvers solve the same lifted problem by the same steps.</li>
 * <li><b>One μ</b> (§6.1.3): the ratio μ_{i+1}/μ_i of eq. (26) is 1, and μ enters the updates only as the
 * output step 1/μ of eq. (29). ℓ is summed over the batch, so μ does not depend on the batch size.</li>
 * <li><b>Pseudo-inverse.</b> (X^i)^† in eq. (36) is replaced by a ridge: each W step also pays λ/2‖W − Y‖² (bias
 * unpenalised), with λ = {@code lambda} × the mean eigenvalue of the batch's centred activation covariance at that
 * layer. The exact pseudo-inverse fits each batch with a step of 1 and random-walks (NOTES-solvers); a ridge fixed
 * in absolute terms (λ = 20 until issue 18) was too strong where activations vary little (it held a deep sigmoid
 * net at chance for two epochs) and too weak where they grow (the deep ReLU net's output layer drifted to 0.8 of
 * its data's eigenvalue and its accuracy dropped). Relative and centred, it means the same at every layer, width,
 * batch size and activation scale.</li>
 * <li><b>Damped sweeps.</b> Eq. (26) converges by itself only when Theorem 2's ρ &lt; 1; on the deep net ρ = ‖W^i‖₂²
 * reached 4–13, so the moving average's ν is capped per layer and batch at 2/(2 + ρ) (see LiftedBatch#average).</li>
 * <li><b>Algorithm 2 in the sample space.</b> Every iterate of eq. (36) is W₀ + Q·Aᵀ, so the K2 steps run on
 * n_out × m matrices with the Gram matrix, and W is written once (see {@link LiftedBatch}). K2 = 1 is the
 * default: in prototyping K2 = 3 was no better and less stable.</li>
 * <li><b>Bias</b>: the augmented form [W b]·[X; 1] throughout; the bias column is dropped from (W^i)ᵀ in
 * eq. (26) because the ones row is not a variable.</li>
 * <li><b>Output</b>: φ on the output with MSE, as eq. (19) lifts every layer; under softmax cross-entropy
 * the output is linear and ∂ℓ/∂X^n = softmax(X^n) − D enters eq. (29) the same way.</li>
 * <li><b>β</b> of eq. (36) is φ's Lipschitz constant (1, or 1/4 for the sigmoid).</li>
 * </ul>
 */
final class Lpom extends LpomSolver {

    Lpom(int[] sizes, Loss loss, LpomParams p) {
        super(sizes, loss, p);
    }

    @Override
    void solveBatch(Network net, LiftedBatch lifted, R064Store target, EpochFigures figures) {
        int n = net.depth() + 1;
        for (int k = 0; k < p.k1(); k++) {
            // ⓑ eq. (29): X^n, first, so the label reaches the hidden layers within the sweep
            lifted.updateOutput(net, target);
            // ⓐ eq. (26): X^{n-1} … X^2, backwards
            for (int i = n - 1; i >= 2; i--) lifted.updateHidden(net, i);
        }
        // ⓒ Algorithm 2 on (31): W^1 … W^{n-1}
        for (int i = 1; i < n; i++) lifted.updateWeights(net, i, figures);
    }
}
