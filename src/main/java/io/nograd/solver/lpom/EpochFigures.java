package io.nograd.solver.lpom;

import java.util.LinkedHashMap;
import java.util.Map;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Activation;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.solver.EpochReport;

/**
 * What one epoch of LPOM reports, accumulated batch by batch after each batch's weight update: the lifted
 * objective F(W, X) of eq. (19) per training sample, and per layer the relative residual
 * ‖X^{i+1} − φ(W^i X^i + b^i)‖ / ‖X^{i+1}‖ (over the epoch) and ‖W^i‖₂ at its end. Each layer's slot is written
 * only by that layer's weight update, so the parallel solver's threads never share one.
 */
final class EpochFigures {

    /** μ_i of eq. (19), index i = 2..n. */
    private final double[] mu;
    private final LiftedTerms[] terms;
    private final boolean objectiveDefined;
    private final double[] residual;
    private final double[] norm;
    private final double[] penalty;
    /** Σ over batches of ‖ΔW^i‖_F / ‖W^i‖_F, its largest value, and the batch count per layer. */
    private final double[] weightStep;
    private final double[] weightStepMax;
    private final int[] weightBatches;
    /** Σ ‖X̃ − X‖ at a sweep and at the sweep before, per hidden/output layer (LiftedBatch#stepNow). */
    private final double[] stepNow;
    private final double[] stepBefore;
    /** F of each batch per sample: its sum and sum of squares, for the spread between batches. */
    private double batchF;
    private double batchF2;
    private int batches;
    private double loss;
    private long samples;

    EpochFigures(Network net, double[] mu) {
        this.mu = mu;
        int n = net.depth() + 1;
        terms = new LiftedTerms[n];
        boolean defined = true;
        for (int i = 1; i < n; i++) {
            terms[i] = LiftedTerms.of(net.activation(i - 1));
            defined &= terms[i] != null;
        }
        objectiveDefined = defined;
        residual = new double[n];
        norm = new double[n];
        penalty = new double[n];
        weightStep = new double[n];
        weightStepMax = new double[n];
        weightBatches = new int[n];
        stepNow = new double[n + 1];
        stepBefore = new double[n + 1];
    }

    void reset() {
        java.util.Arrays.fill(residual, 0);
        java.util.Arrays.fill(norm, 0);
        java.util.Arrays.fill(penalty, 0);
        java.util.Arrays.fill(weightStep, 0);
        java.util.Arrays.fill(weightStepMax, 0);
        java.util.Arrays.fill(weightBatches, 0);
        java.util.Arrays.fill(stepNow, 0);
        java.util.Arrays.fill(stepBefore, 0);
        batchF = 0;
        batchF2 = 0;
        batches = 0;
        loss = 0;
        samples = 0;
    }

    /**
     * Layer i's share after its weight update: z = W^i X^i + b^i with the new weights, target = X^{i+1};
     * scratch receives φ(z). Adds μ(1ᵀf(X^{i+1})1 + 1ᵀg(z)1 + ½‖X^{i+1} − z‖²), the i-th penalty of eq. (19).
     */
    void add(int i, Activation phi, R064Store target, R064Store z, R064Store scratch) {
        double[] t = target.data;
        double[] zz = z.data;
        double[] s = scratch.data;
        int len = t.length;
        phi.apply(zz, s, len);
        double res = 0;
        double tt = 0;
        double gap = 0;
        for (int j = 0; j < len; j++) {
            double d = t[j] - s[j];
            res += d * d;
            tt += t[j] * t[j];
            double e = t[j] - zz[j];
            gap += e * e;
        }
        residual[i] += res;
        norm[i] += tt;
        if (objectiveDefined) penalty[i] += mu[i + 1] * (terms[i].sumF(t, len) + terms[i].sumG(zz, len) + 0.5 * gap);
    }

    /** Layer i's weight step in one batch: ‖ΔW‖_F and the new ‖W‖_F. */
    void addWeightStep(int i, double moved, double norm) {
        double rel = norm > 0 ? moved / norm : 0;
        weightStep[i] += rel;
        weightStepMax[i] = Math.max(weightStepMax[i], rel);
        weightBatches[i]++;
    }

    /** ℓ(X^n, D) of one batch of {@code size} samples, and the batch's fixed-point contraction per layer. */
    void addLoss(double batchLoss, int size, LiftedBatch lifted) {
        double before = objectiveSoFar();
        loss += batchLoss;
        samples += size;
        for (int i = 2; i < stepNow.length; i++) {
            stepNow[i] += lifted.stepNow(i);
            stepBefore[i] += lifted.stepBefore(i);
        }
        double f = (objectiveSoFar() - before) / size;
        batchF += f;
        batchF2 += f * f;
        batches++;
    }

    private double objectiveSoFar() {
        double s = loss;
        for (double v : penalty) s += v;
        return s;
    }

    /** @param cpuSeconds CPU time of the epoch's work; {@code criticalSeconds} the part on its critical path */
    EpochReport report(Network net, double cpuSeconds, double criticalSeconds) {
        int layers = net.depth();
        double[] residuals = new double[layers];
        double[] weightNorms = new double[layers];
        double[] penalties = new double[layers];
        double objective = loss;
        for (int i = 1; i <= layers; i++) {
            residuals[i - 1] = norm[i] > 0 ? Math.sqrt(residual[i] / norm[i]) : Math.sqrt(residual[i]);
            weightNorms[i - 1] = Ops.spectralNorm(net.weight(i - 1), 30);
            penalties[i - 1] = penalty[i] / samples;
            objective += penalty[i];
        }
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("relativeResiduals", residuals);
        diagnostics.put("weightSpectralNorms", weightNorms);
        double[] steps = new double[layers];
        double[] stepsMax = new double[layers];
        double[] contraction = new double[layers];
        for (int i = 1; i <= layers; i++) {
            steps[i - 1] = weightBatches[i] > 0 ? weightStep[i] / weightBatches[i] : 0;
            stepsMax[i - 1] = weightStepMax[i];
            contraction[i - 1] = stepBefore[i + 1] > 0 ? stepNow[i + 1] / stepBefore[i + 1] : 0;
        }
        diagnostics.put("relativeWeightSteps", steps);
        diagnostics.put("relativeWeightStepsMax", stepsMax);
        diagnostics.put("sweepContraction", contraction);
        if (objectiveDefined && batches > 1) {
            double mean = batchF / batches;
            diagnostics.put("batchObjectiveSpread", new double[] {mean, Math.sqrt(Math.max(0, batchF2 / batches - mean * mean))});
        }
        if (objectiveDefined) diagnostics.put("lpomPenalties", penalties);
        diagnostics.put("cpuSeconds", new double[] {cpuSeconds, criticalSeconds});
        return new EpochReport(objectiveDefined ? objective / samples : null, diagnostics);
    }
}
