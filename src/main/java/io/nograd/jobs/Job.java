package io.nograd.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A job as the API shows it (DESIGN §4): its validated spec (defaults filled in), status, timestamps,
 * the latest epoch row and, in the detail view, its history (queued, started, resumed after a restart…).
 *
 * @param queuePosition 1-based place in the queue while {@code QUEUED}, else null
 * @param attempt       how many times a worker has started it (more than 1 after a restart resumed it)
 * @param node          in cluster mode, the node running it (or that ran it last); absent on a single node
 * @param sweep         the sweep this job is a cell of, with its coordinates; null for a job posted alone
 */
public record Job(String id, String name, JobStatus status, JobSpec spec, Instant createdAt, Instant startedAt,
                  Instant finishedAt, int epochsDone, Integer queuePosition, EpochMetrics latest, String error, int attempt,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String node,
                  @JsonInclude(JsonInclude.Include.NON_NULL) SweepCell sweep,
                  @JsonInclude(JsonInclude.Include.NON_NULL) List<HistoryEntry> history) {

    /** One line of a job's history. */
    public record HistoryEntry(Instant at, String message) {
    }

    /**
     * A job's place in a sweep: the sweep's id, the cell's index and its coordinates (swept path → value,
     * including {@code seed}).
     */
    public record SweepCell(String id, int cell, Map<String, Object> coordinates) {
    }

    Job withHistory(List<HistoryEntry> entries) {
        return new Job(id, name, status, spec, createdAt, startedAt, finishedAt, epochsDone, queuePosition, latest, error, attempt, node, sweep,
                entries);
    }
}
