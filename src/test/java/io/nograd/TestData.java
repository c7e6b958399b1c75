package io.nograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.Training;
import io.nograd.jobs.ValidatedSpec;
import io.nograd.nn.BlasThreads;
import io.nograd.nn.Network;
import io.nograd.solver.Cancellation;
import io.nograd.solver.SolverRegistry;

/** The built-in datasets at their installed paths (scripts/setup.sh installs them), shared by the tests. */
public final class TestData {

    public static final DatasetRegistry DATASETS = new DatasetRegistry(
            Path.of("/usr/share/datasets/fashion-mnist"), Path.of("/usr/local/share/datasets/mnist"));

    private TestData() {
    }

    /** Validates {@code spec} as the server would, with both cores and the whole heap. */
    public static ValidatedSpec validate(JobSpec spec) {
        return validate(spec, 2);
    }

    /** Validates {@code spec} for a job whose thread budget is {@code threads} cores. */
    public static ValidatedSpec validate(JobSpec spec, int threads) {
        return new JobSpecValidator(SolverRegistry.builtIn(), DATASETS, threads, Runtime.getRuntime().maxMemory()).validate(spec);
    }

    /**
     * Trains {@code spec} as a job of {@code threads} cores while BLAS is held at one thread, so that only the
     * solver's own element-wise passes ({@link io.nograd.nn.Passes}) see the budget.
     */
    public static Run trainOnThreads(JobSpec spec, int threads) {
        BlasThreads.Lease one = BlasThreads.lease(1);
        try {
            return train(validate(spec, threads));
        } finally {
            one.close();
        }
    }

    /** Trains {@code spec} with budgets of 1, 2 and 3 threads and checks that the weights and every figure are the same bits. */
    public static Run assertSameOnAnyThreadCount(JobSpec spec) {
        Run one = trainOnThreads(spec, 1);
        for (int threads = 2; threads <= 3; threads++) {
            Run more = trainOnThreads(spec, threads);
            String what = spec.algorithm() + " on " + threads + " threads against 1";
            for (int l = 0; l < one.net().depth(); l++) {
                assertArrayEquals(one.net().weight(l).data, more.net().weight(l).data, 0, what + ": weights of layer " + l);
                assertArrayEquals(one.net().bias(l).data, more.net().bias(l).data, 0, what + ": biases of layer " + l);
            }
            assertEquals(one.epochs().size(), more.epochs().size());
            for (int e = 0; e < one.epochs().size(); e++) {
                EpochMetrics a = one.epochs().get(e);
                EpochMetrics b = more.epochs().get(e);
                assertEquals(a.trainLoss(), b.trainLoss(), 0, what + ": train loss, epoch " + (e + 1));
                assertEquals(a.testLoss(), b.testLoss(), 0, what + ": test loss, epoch " + (e + 1));
                assertEquals(a.testAccuracy(), b.testAccuracy(), what + ": test accuracy, epoch " + (e + 1));
                assertEquals(a.objective(), b.objective(), what + ": objective, epoch " + (e + 1));
                assertEquals(a.diagnostics().keySet(), b.diagnostics().keySet());
                for (String k : a.diagnostics().keySet()) {
                    assertArrayEquals(a.diagnostics().get(k), b.diagnostics().get(k), 0, what + ": " + k + ", epoch " + (e + 1));
                }
            }
        }
        return one;
    }

    /** A training run to its end: every epoch's row, in order, and the trained network. */
    public record Run(List<EpochMetrics> epochs, Network net) {
        public EpochMetrics last() {
            return epochs.get(epochs.size() - 1);
        }
    }

    /** Trains {@code spec}, validated as {@link #validate} does, from a fresh network through its last epoch. */
    public static Run train(JobSpec spec) {
        return train(validate(spec));
    }

    /** Trains an already validated spec from a fresh network through its last epoch, never cancelled. */
    public static Run train(ValidatedSpec spec) {
        Network net = spec.newNetwork();
        List<EpochMetrics> rows = new ArrayList<>();
        new Training(spec, DATASETS.get(spec.datasetName())).run(net, 1, Cancellation.NEVER, rows::add);
        return new Run(rows, net);
    }
}
