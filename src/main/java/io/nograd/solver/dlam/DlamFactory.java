package io.nograd.solver.dlam;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code dlam}: Deep Learning Alternating Minimization with ε-ball inequality constraints. */
public final class DlamFactory implements SolverFactory {

    /** The whole Fashion-MNIST (and MNIST) training set: one epoch is one full-batch iteration, as in the paper. */
    static final int FULL_BATCH = 60_000;

    @Override public String name() { return "dlam"; }

    @Override public String title() { return "DLAM: alternating minimisation with ε-ball inequality constraints"; }

    @Override
    public String paper() {
        return "Gradient-free Neural Network Training by Multi-convex Alternating Optimization (ICLR 2020 submission, "
                + "anonymous; DLAM, Algorithms 1-3)";
    }

    @Override public List<String> activations() { return Quasilinear.SUPPORTED; }

    @Override public List<String> losses() { return List.of("cross-entropy", "mse"); }

    /** Full batch (capped to the training set): the paper's iterations are epochs over all samples. */
    @Override public int defaultBatchSize() { return FULL_BATCH; }

    @Override public List<ParamSpec> params() { return DlamParams.SPEC; }

    /** Every batch keeps its own z, a between epochs, so the partition must not change. */
    @Override public boolean shuffles(Params params) { return false; }

    @Override
    public String divergenceAdvice() {
        return "lower params.rho or keep epsilonSchedule halve with a larger epsilonMin";
    }

    /**
     * Every training sample's z_l, r_l (all layers) and a_l (hidden layers), the scratch p_l, q_l of one batch
     * size, the batch's input and target columns, all float64, plus the weights four times over.
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        int[] n = shape.layers();
        long outputs = 0;
        long hidden = 0;
        long weights = 0;
        for (int l = 1; l < n.length; l++) {
            outputs += n[l];
            if (l < n.length - 1) hidden += n[l];
            weights += (long) n[l] * (n[l - 1] + 1);
        }
        long perSample = 3 * outputs + 2 * hidden + n[0] + n[n.length - 1];
        return OptionalLong.of(8L * (4 * weights + perSample * shape.trainSamples()));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Dlam(shape.layers(), shape.activation(), shape.loss(), DlamParams.from(params));
    }
}
