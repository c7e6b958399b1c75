package io.nograd.jobs;

import java.io.Serializable;

/**
 * What a job tells the world while it runs: an epoch finished, or its status changed. Keyed by (job id,
 * attempt), so a subscriber can tell a resumed run's epochs from those of the attempt before it.
 * Serializable records, so the seam can later carry them between processes unchanged.
 */
public sealed interface RunEvent extends Serializable {

    String jobId();

    /** How many times a worker had started the job when this happened (0 while it was never started). */
    int attempt();

    /** An epoch ended; its row is already stored and checkpointed. */
    record Epoch(String jobId, int attempt, EpochMetrics metrics) implements RunEvent {
    }

    /** The job entered {@code status}; {@code error} is set for {@code FAILED}, and says why for {@code PRUNED}. */
    record Status(String jobId, int attempt, JobStatus status, String error) implements RunEvent {
    }
}
