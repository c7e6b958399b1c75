package io.nograd;

import java.nio.file.Path;

import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.ValidatedSpec;
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
}
