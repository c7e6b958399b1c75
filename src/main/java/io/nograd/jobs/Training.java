package io.nograd.jobs;

import io.nograd.data.Batches;
import io.nograd.data.Dataset;
import io.nograd.nn.BlasThreads;
import io.nograd.nn.ClassTargets;
import io.nograd.nn.Network;
import io.nograd.nn.Task;
import io.nograd.solver.Cancellation;
import io.nograd.solver.EpochReport;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverState;

/**
 * The epoch loop of one job, free of HTTP and storage: build the solver, then per epoch train, evaluate
 * on train and test by a plain forward pass, and report. The server's worker and the headless bench both
 * run it, so a bench figure is what the server would produce.
 */
public final class Training {

    /** Columns per forward pass when evaluating. */
    public static final int EVAL_CHUNK = 1000;

    private final ValidatedSpec spec;
    private final Dataset data;
    private Solver solver;
    private final Batches batches;
    private final Evaluator evaluator;

    public Training(ValidatedSpec spec, Dataset data) {
        this.spec = spec;
        this.data = data;
        this.solver = spec.factory().create(spec.shape(), spec.params());
        this.batches = batches(spec, data);
        this.evaluator = new Evaluator(spec.shape().task(), spec.shape().loss(), EVAL_CHUNK);
    }

    /** The training batches of {@code spec}: its batch size, limit, seed and shuffling, its class targets. */
    public static Batches batches(ValidatedSpec spec, Dataset data) {
        return new Batches(data, spec.shape().task(), ClassTargets.of(spec.shape().loss(), spec.outputActivation()),
                spec.shape().batchSize(), spec.spec().trainLimit(), spec.shape().seed(), spec.factory().shuffles(spec.params()));
    }

    /**
     * The solver's state after the epoch just reported, for the checkpoint: its live arrays, so write it
     * before the next epoch starts (the epoch listener runs at that point).
     */
    public SolverState solverState() {
        SolverState state = new SolverState();
        solver.saveState(state);
        return state;
    }

    /**
     * Resumes the solver from a stored state, before {@link #run}; false when the state does not fit this
     * solver, which then starts afresh (a new instance, so nothing half-restored remains).
     */
    public boolean restoreSolverState(SolverState state) {
        try {
            solver.restoreState(state);
            if (!state.untaken().isEmpty()) throw new SolverState.Mismatch("arrays this solver does not keep: " + state.untaken());
            return true;
        } catch (SolverState.Mismatch e) {
            solver = spec.factory().create(spec.shape(), spec.params());
            return false;
        }
    }

    /**
     * Trains epochs {@code firstEpoch..epochs} on {@code net}, reporting each to {@code listener} as it ends.
     *
     * @throws java.util.concurrent.CancellationException when cancelled (the epoch in progress is dropped)
     * @throws DivergedException when the loss or the weights stop being finite
     */
    public void run(Network net, int firstEpoch, Cancellation cancel, EpochListener listener) {
        // The job's cores go to its solver threads × BLAS threads, never more (BlasThreads: process-wide, smallest lease wins).
        BlasThreads.Lease blas = BlasThreads.lease(Math.max(1, spec.shape().threads() / solver.threads()));
        try {
            epochs(net, firstEpoch, cancel, listener);
        } finally {
            blas.close();
        }
    }

    private void epochs(Network net, int firstEpoch, Cancellation cancel, EpochListener listener) {
        int epochs = spec.shape().epochs();
        for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
            cancel.check();
            long start = System.nanoTime();
            EpochReport report;
            try {
                report = solver.trainEpoch(net, batches.epoch(epoch, epochs), cancel);
            } catch (ArithmeticException e) {
                // A NaN or an exploding value reaching a Cholesky factorisation shows up as "not positive definite".
                throw new DivergedException(epoch, "training diverged in epoch " + epoch + ": a linear solve met a matrix that is "
                        + "no longer positive definite (" + e.getMessage() + "), the usual sign of non-finite values; "
                        + spec.factory().divergenceAdvice());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluator.Evaluation train = evaluator.evaluate(net, data, Dataset.Split.TRAIN, batches.samples());
            Evaluator.Evaluation test = evaluator.evaluate(net, data, Dataset.Split.TEST, 0);
            if (!net.isFinite() || !Double.isFinite(train.loss()) || !Double.isFinite(test.loss())) {
                throw new DivergedException(epoch, "training diverged in epoch " + epoch + ": the "
                        + (net.isFinite() ? "loss" : "weights") + " became NaN or infinite; " + spec.factory().divergenceAdvice());
            }
            boolean classify = spec.shape().task() == Task.CLASSIFICATION;
            listener.onEpoch(new EpochMetrics(epoch, epochs, train.loss(), classify ? train.accuracy() : null,
                    test.loss(), classify ? test.accuracy() : null, seconds, report.objective(), report.diagnostics()));
        }
    }

    /** Training stopped producing finite numbers; {@link #epoch()} is the epoch in which it happened. */
    public static final class DivergedException extends RuntimeException {
        private final int epoch;

        public DivergedException(int epoch, String message) {
            super(message);
            this.epoch = epoch;
        }

        public int epoch() {
            return epoch;
        }
    }
}
