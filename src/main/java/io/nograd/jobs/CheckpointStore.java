package io.nograd.jobs;

import java.util.List;
import java.util.Optional;

import io.nograd.nn.Activation;
import io.nograd.nn.Network;

/**
 * Where a job's weights go after every epoch and come back from on resume; implemented by {@code weights/},
 * which {@code jobs} does not import.
 */
public interface CheckpointStore {

    /** A loaded checkpoint: the network with its weights, the epoch row(s) it carries, and its file facts. */
    record Checkpoint(Network network, int epoch, List<EpochMetrics> rows, JobRepository.WeightsFile file) {
    }

    /**
     * Writes the checkpoint of {@code row}'s epoch atomically and durably; returns what the database records
     * of it. A store shared between nodes refuses the write with {@link FencedException} unless
     * {@code attempt} still holds the job.
     */
    JobRepository.WeightsFile writeCheckpoint(String jobId, int attempt, JobSpec spec, Network net, Activation output, EpochMetrics row);

    /** The job's last checkpoint, loaded into a network of the spec's shape, or empty when it has none. */
    Optional<Checkpoint> readCheckpoint(String jobId, JobSpec spec);

    /** Removes every file of the job. */
    void delete(String jobId);
}
