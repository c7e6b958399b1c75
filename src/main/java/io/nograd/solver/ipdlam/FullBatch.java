package io.nograd.solver.ipdlam;

import java.util.Arrays;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Spd;
import io.nograd.solver.Cancellation;

/**
 * {@code mode = full-batch}, the base code's setting: one iteration of Algorithm 1 per epoch over every sample,
 * in its block order, with each batch's z, a kept between epochs in float32. The W step's sums run over all
 * samples, so its d × d normal equations are accumulated batch by batch and solved once per layer.
 */
final class FullBatch {

    private final Ipdlam s;
    /** Per layer: Σ E aᵀ, Σ aaᵀ (+ the ridge) and its factor. */
    private final R064Store[] eaT;
    private final R064Store[] inputGram;
    private final Spd[] inputSpd;

    FullBatch(Ipdlam s, int[] d) {
        this.s = s;
        int depth = d.length - 1;
        eaT = new R064Store[depth];
        inputGram = new R064Store[depth];
        inputSpd = new Spd[depth];
        for (int l = 0; l < depth; l++) {
            inputGram[l] = Ops.make(d[l], d[l]);
            inputSpd[l] = Spd.of(d[l], s.floatFactors());
            eaT[l] = Ops.make(d[l + 1], d[l]);
        }
    }

    /**
     * One iteration over every batch of the epoch. Pass 1 takes the z step of every batch and accumulates the
     * W step's sums; then W and b are solved once; pass 2 takes the a step. {@code kept} holds each batch's state.
     */
    void iteration(Network net, Batches batches, Cancellation cancel, float[][] kept) {
        int depth = s.depth;
        IpdlamParams p = s.p;
        s.extrapolateWeights(net);
        for (int l = 0; l < depth; l++) {
            Arrays.fill(inputGram[l].data, 0);
            Arrays.fill(eaT[l].data, 0);
            Arrays.fill(s.zSum[l].data, 0);
            Arrays.fill(s.aSum[l].data, 0);
        }
        for (Batch batch : batches) {
            cancel.check();
            Workspace w = s.workspace(batch.size());
            w.bind(batch);
            float[] state = kept[batch.index()];
            if (state == null) s.forwardInit(net, w);
            else w.load(state);
            // steps 1 and 4–5: ẑ, then every z
            for (int l = 0; l < depth; l++) s.extrapolate(w.z[l], w.zAux[l], p.alpha());
            for (int l = 0; l < depth; l++) s.zStep(net, w, l);
            // step 6, accumulated: E aᵀ, aaᵀ, Σz, Σa with E = z^{k+1} − b^k − Ŵa^k
            for (int l = 0; l < depth; l++) {
                R064Store e = w.pq[l];
                s.gemm.gemm(false, false, -1, s.hatW[l], w.a[l], 0, e);
                Ops.addDifferenceColumn(e, w.z[l], net.bias(l));
                s.gemm.gemm(false, true, 1, e, w.a[l], 1, eaT[l]);
                s.gemm.gemm(false, true, 1, w.a[l], w.a[l], 1, inputGram[l]);
                Ops.accumulateRowSums(w.z[l], s.zSum[l]);
                Ops.accumulateRowSums(w.a[l], s.aSum[l]);
            }
            kept[batch.index()] = w.save(state);
        }
        // step 6: W = Ŵ + (Σ E aᵀ)(Σ aaᵀ + δI)⁻¹, then b over all samples
        for (int l = 0; l < depth; l++) {
            Ipdlam.ridge(inputGram[l], p.delta());
            inputSpd[l].factor(inputGram[l]);
            inputSpd[l].solveRight(eaT[l]);
            Ops.copy(s.hatW[l], net.weight(l));
            Ops.axpy(1, eaT[l], net.weight(l));
            s.bStep(net, l, batches.samples());
        }
        // step 7: every a, with one factorisation per layer
        boolean first = true;
        for (Batch batch : batches) {
            cancel.check();
            Workspace w = s.workspace(batch.size());
            w.bind(batch);
            w.load(kept[batch.index()]);
            for (int l = 1; l < depth; l++) {
                s.extrapolate(w.a[l], w.aAux[l], p.gamma());
                s.aStep(net, w, l, first);
            }
            first = false;
            s.account.add(net, w);
            kept[batch.index()] = w.save(kept[batch.index()]);
        }
    }
}
