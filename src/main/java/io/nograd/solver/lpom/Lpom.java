package io.nograd.solver.lpom;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Loss;
import io.nograd.nn.Network;

/**
 * Serial LPOM, Algorithm 1 of Li et al., "Training Neural Networks by Lifted Proximal Operator Machines"
 * (TPAMI 2022). Per mini-batch: the activations X^2..X^n by fixed-point iteration, then every W^i by
 * Algorithm 2 with the least-squares step (36).
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
