package io.nograd.solver.ipdlam;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Batch;
import io.nograd.nn.Activation;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Gemm;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Spd;

/**
 * The lifted variables z, a of one batch with their previous iterates, and the scratch of iPDLAM's steps, for
 * one batch size m (kept per size by {@link io.nograd.solver.BatchBuffers}). Samples are columns.
 */
final class Workspace {
    final int m;
    private final int[] d;
    private final int depth;
    /** z_l (layer l's pre-activation) and its second buffer: z^{k−1}, then ẑ, then the new z. */
    final R064Store[] z;
    final R064Store[] zAux;
    /** a[l] is the input of layer l: a[0] the batch, a[l ≥ 1] = a_l; aAux and rhs rotate with it. */
    final R064Store[] a;
    final R064Store[] aAux;
    final R064Store[] rhs;
    /** d_{l+1} × m scratch: W a + b, E, (z − b). */
    final R064Store[] pq;
    final R064Store[] gram;
    final Spd[] gramSpd;
    R064Store y;

    /**
     * {@code batchGram}: allocate the m × m Gram of the W step's narrow-batch form (not needed in full-batch mode),
     * its factor in float32 when {@code floatFactor}.
     */
    Workspace(int[] d, int m, boolean batchGram, boolean floatFactor) {
        this.m = m;
        this.d = d;
        this.depth = d.length - 1;
        z = new R064Store[depth];
        zAux = new R064Store[depth];
        pq = new R064Store[depth];
        a = new R064Store[depth];
        aAux = new R064Store[depth];
        rhs = new R064Store[depth];
        gram = new R064Store[depth];
        gramSpd = new Spd[depth];
        for (int l = 0; l < depth; l++) {
            z[l] = Ops.make(d[l + 1], m);
            zAux[l] = Ops.make(d[l + 1], m);
            pq[l] = Ops.make(d[l + 1], m);
            if (l > 0) {
                a[l] = Ops.make(d[l], m);
                aAux[l] = Ops.make(d[l], m);
                rhs[l] = Ops.make(d[l], m);
            }
            if (m <= d[l] && batchGram) {
                gram[l] = Ops.make(m, m);
                gramSpd[l] = Spd.of(m, floatFactor);
            }
        }
    }

    void bind(Batch batch) {
        a[0] = batch.x();
        y = batch.y();
    }

    /** z, a from a forward pass with the current W, b; their previous iterates equal to them. */
    void forwardInit(Gemm gemm, ForwardPass.Threaded pass, Network net, Activation sigma) {
        for (int l = 0; l < depth; l++) {
            boolean hidden = l + 1 < depth;
            pass.layer(gemm, net, l, a[l], z[l], hidden ? sigma : null, hidden ? a[l + 1] : null);
            Ops.copy(z[l], zAux[l]);
            if (hidden) Ops.copy(a[l + 1], aAux[l + 1]);
        }
    }

    void swapZ(int l) {
        R064Store t = z[l];
        z[l] = zAux[l];
        zAux[l] = t;
    }

    /** The solution in rhs becomes a_l, the old a_l its previous iterate, the spent â the next scratch. */
    void rotateA(int l) {
        R064Store t = aAux[l];
        aAux[l] = a[l];
        a[l] = rhs[l];
        rhs[l] = t;
    }

    private int stateLength() {
        int n = 0;
        for (int l = 0; l < depth; l++) n += 2 * d[l + 1] * m;
        for (int l = 1; l < depth; l++) n += 2 * d[l] * m;
        return n;
    }

    float[] save(float[] state) {
        float[] s = state != null ? state : new float[stateLength()];
        int at = 0;
        for (int l = 0; l < depth; l++) {
            at = put(z[l], s, at);
            at = put(zAux[l], s, at);
        }
        for (int l = 1; l < depth; l++) {
            at = put(a[l], s, at);
            at = put(aAux[l], s, at);
        }
        return s;
    }

    void load(float[] s) {
        int at = 0;
        for (int l = 0; l < depth; l++) {
            at = get(s, at, z[l]);
            at = get(s, at, zAux[l]);
        }
        for (int l = 1; l < depth; l++) {
            at = get(s, at, a[l]);
            at = get(s, at, aAux[l]);
        }
    }

    private static int put(R064Store x, float[] s, int at) {
        double[] xd = x.data;
        for (int i = 0; i < xd.length; i++) s[at + i] = (float) xd[i];
        return at + xd.length;
    }

    private static int get(float[] s, int at, R064Store x) {
        double[] xd = x.data;
        for (int i = 0; i < xd.length; i++) xd[i] = s[at + i];
        return at + xd.length;
    }
}
