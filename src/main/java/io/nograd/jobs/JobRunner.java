package io.nograd.jobs;

import java.util.function.BooleanSupplier;

/** Claims a queued job and runs it to an end on the calling thread; {@link TrainingRun} is the real one. */
@FunctionalInterface
public interface JobRunner {

    /**
     * @param node      the node's name in cluster mode, else null
     * @param owner     the cluster member holding the attempt, else null
     * @param cancelled the user's cancel
     * @param stopping  the node is shutting down: stop, leaving the job RUNNING for whoever resumes it
     * @return false when the job was no longer QUEUED (another worker took it, or it was cancelled)
     */
    boolean run(String id, String node, String owner, BooleanSupplier cancelled, BooleanSupplier stopping);
}
