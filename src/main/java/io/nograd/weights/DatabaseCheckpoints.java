package io.nograd.weights;

import java.util.Optional;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.nograd.jobs.FencedException;

/**
 * Checkpoint bytes in the shared database (table {@code checkpoints}) instead of the node's disk, in
 * cluster mode: a node that dies leaves its jobs' checkpoints where every survivor reads them. A write
 * locks the job's row and goes through only while the writing attempt still holds the job, so a node
 * that was declared dead cannot overwrite the checkpoint of the attempt that took its job over.
 */
@Component
@ConditionalOnBooleanProperty("nograd.cluster.enabled")
public class DatabaseCheckpoints {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public DatabaseCheckpoints(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** Where the API says the checkpoint lives (the weights_path column). */
    static String location(String jobId) {
        return "db:checkpoints/" + jobId;
    }

    public void write(String jobId, int attempt, int epoch, byte[] bytes) {
        tx.executeWithoutResult(s -> {
            Optional<Integer> holder = jdbc.sql("SELECT attempt FROM jobs WHERE id = :id AND status = 'RUNNING' FOR UPDATE")
                    .param("id", jobId).query(Integer.class).optional();
            if (holder.isEmpty() || holder.get() != attempt) throw new FencedException(jobId, attempt, "the checkpoint of epoch " + epoch);
            int n = jdbc.sql("UPDATE checkpoints SET epoch = :epoch, attempt = :attempt, bytes = :bytes WHERE job_id = :id")
                    .param("id", jobId).param("epoch", epoch).param("attempt", attempt).param("bytes", bytes).update();
            if (n == 0) {
                jdbc.sql("INSERT INTO checkpoints (job_id, epoch, attempt, bytes) VALUES (:id, :epoch, :attempt, :bytes)")
                        .param("id", jobId).param("epoch", epoch).param("attempt", attempt).param("bytes", bytes).update();
            }
        });
    }

    /** The job's checkpoint bytes, or null when it has none. */
    byte[] read(String jobId) {
        return jdbc.sql("SELECT bytes FROM checkpoints WHERE job_id = :id").param("id", jobId)
                .query((rs, i) -> rs.getBytes(1)).optional().orElse(null);
    }

    /** The row goes with its job's (ON DELETE CASCADE); this covers a delete before the job's own. */
    void delete(String jobId) {
        jdbc.sql("DELETE FROM checkpoints WHERE job_id = :id").param("id", jobId).update();
    }
}
