package io.nograd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.Training;
import io.nograd.jobs.ValidatedSpec;
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
        return new JobSpecValidator(SolverRegistry.builtIn(), DATASETS, 2, Runtime.getRuntime().maxMemory()).validate(spec);
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
