package io.nograd.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    /** Writes a solver's state to a stream. */
    interface StateWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes the solver's state after {@code epoch} ({@code bytes} long) atomically, before that epoch's checkpoint,
     * which then retires older states (so a crash between the two leaves the older checkpoint with its state);
     * false, writing nothing, where this store does not keep a state that large (the shared database of cluster
     * mode has a bound). A shared store refuses the write with {@link FencedException} unless {@code attempt}
     * still holds the job.
     */
    boolean writeState(String jobId, int attempt, int epoch, long bytes, StateWriter state);

    /** The solver state written after {@code epoch}, open for reading; empty when there is none for that epoch. */
    Optional<InputStream> openState(String jobId, int epoch);

    /**
     * Removes the job's solver states: it ended, and an ended job is never resumed. A shared store removes only
     * those {@code attempt} wrote, so a node declared dead cannot remove the states of the attempt that took over.
     */
    void deleteStates(String jobId, int attempt);

    /** Removes every file of the job. */
    void delete(String jobId);
}
