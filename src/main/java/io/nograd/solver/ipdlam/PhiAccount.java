package io.nograd.solver.ipdlam;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Activation;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.solver.ColumnSample;
import io.nograd.solver.EpochReport;

/**
 * The epoch's Φ_ρ of problem (2), summed over the batches at their state after their update, and its per-layer
 * terms as RMS per sample (the diagnostics {@link IpdlamFactory#diagnostics()} defines). Accounting only: it
 * reads the batches' z, a and the network, and changes neither. The constraint terms need a layer product with the
 * final weights that no step has, so they are estimated on a fixed sample of each batch's columns
 * ({@link IpdlamFactory#REPORT_COLUMNS}); the loss and the activation gaps are exact.
 */
final class PhiAccount {

    private static final ColumnSample SAMPLE = new ColumnSample(IpdlamFactory.REPORT_COLUMNS);

    private final int depth;
    private final Activation sigma;
    private final Loss loss;
    private double lossSum;
    private final double[] residual2;
    private final double[] gap2;

    PhiAccount(int depth, Activation sigma, Loss loss) {
        this.depth = depth;
        this.sigma = sigma;
        this.loss = loss;
        residual2 = new double[depth];
        gap2 = new double[depth - 1];
    }

    void reset() {
        lossSum = 0;
        Arrays.fill(residual2, 0);
        Arrays.fill(gap2, 0);
    }

    /** Adds the batch's Φ_ρ terms at its updated state to the epoch's sums; uses the workspace's pq as scratch. */
    void add(Network net, Workspace w) {
        double scale = SAMPLE.scale(w.m);
        for (int l = 0; l < depth; l++) {
            R064Store t = w.pq[l];
            int s = SAMPLE.residual(net.weight(l), net.bias(l), w.a[l], w.z[l], t);
            residual2[l] += scale * ColumnSample.dot(t, t, s);
        }
        for (int l = 1; l < depth; l++) {
            double[] a = w.a[l].data;
            double[] z = w.z[l - 1].data;
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                double g = a[i] - sigma.apply(z[i]);
                s += g * g;
            }
            gap2[l - 1] += s;
        }
        lossSum += loss.value(w.z[depth - 1], w.y);
    }

    /** The epoch's Φ_ρ (at the ρ it ran with) and per-layer figures. */
    EpochReport report(Network net, int samples, double rho) {
        double penalty = 0;
        for (double r : residual2) penalty += r;
        for (double g : gap2) penalty += g;
        double objective = lossSum + 0.5 * rho * penalty;
        double[] residuals = new double[depth];
        double[] weightNorms = new double[depth];
        for (int l = 0; l < depth; l++) {
            residuals[l] = Math.sqrt(residual2[l] / samples);
            weightNorms[l] = Ops.norm(net.weight(l));
        }
        double[] gaps = new double[depth - 1];
        for (int l = 0; l < depth - 1; l++) gaps[l] = Math.sqrt(gap2[l] / samples);
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put(IpdlamFactory.SAMPLED_RESIDUALS.name(), residuals);
        diagnostics.put("activationGaps", gaps);
        diagnostics.put("weightFrobeniusNorms", weightNorms);
        diagnostics.put("rho", new double[] {rho});
        return new EpochReport(objective, diagnostics);
    }
}
