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

    /**
     * The largest solver state kept here (bytes); a larger one (a full-batch lifted method's variables) is not
     * stored, and a failover starts that solver's state afresh.
     */
    static final long MAX_STATE_BYTES = 256L << 20;

    public void write(String jobId, int attempt, int epoch, byte[] bytes) {
        tx.executeWithoutResult(s -> {
            hold(jobId, attempt, "the checkpoint of epoch " + epoch);
            // the states of earlier epochs have no checkpoint to go with any more
            jdbc.sql("DELETE FROM solver_states WHERE job_id = :id AND epoch < :epoch").param("id", jobId).param("epoch", epoch).update();
            int n = jdbc.sql("UPDATE checkpoints SET epoch = :epoch, attempt = :attempt, bytes = :bytes WHERE job_id = :id")
                    .param("id", jobId).param("epoch", epoch).param("attempt", attempt).param("bytes", bytes).update();
            if (n == 0) {
                jdbc.sql("INSERT INTO checkpoints (job_id, epoch, attempt, bytes) VALUES (:id, :epoch, :attempt, :bytes)")
                        .param("id", jobId).param("epoch", epoch).param("attempt", attempt).param("bytes", bytes).update();
            }
        });
    }

    /** Locks the job's row; throws unless {@code attempt} still holds the job. */
    private void hold(String jobId, int attempt, String what) {
        Optional<Integer> holder = jdbc.sql("SELECT attempt FROM jobs WHERE id = :id AND status = 'RUNNING' FOR UPDATE")
                .param("id", jobId).query(Integer.class).optional();
        if (holder.isEmpty() || holder.get() != attempt) throw new FencedException(jobId, attempt, what);
    }

    /** The solver's state after {@code epoch}, fenced like the checkpoint; written before the checkpoint of that epoch. */
    public void writeState(String jobId, int attempt, int epoch, byte[] bytes) {
        tx.executeWithoutResult(s -> {
            hold(jobId, attempt, "the solver state of epoch " + epoch);
            jdbc.sql("DELETE FROM solver_states WHERE job_id = :id AND epoch = :epoch").param("id", jobId).param("epoch", epoch).update();
            jdbc.sql("INSERT INTO solver_states (job_id, epoch, attempt, bytes) VALUES (:id, :epoch, :attempt, :bytes)")
                    .param("id", jobId).param("epoch", epoch).param("attempt", attempt).param("bytes", bytes).update();
        });
    }

    /** The solver state stored after {@code epoch}, or null. */
    byte[] readState(String jobId, int epoch) {
        return jdbc.sql("SELECT bytes FROM solver_states WHERE job_id = :id AND epoch = :epoch").param("id", jobId).param("epoch", epoch)
                .query((rs, i) -> rs.getBytes(1)).optional().orElse(null);
    }

    public void deleteStates(String jobId, int attempt) {
        jdbc.sql("DELETE FROM solver_states WHERE job_id = :id AND attempt = :attempt").param("id", jobId).param("attempt", attempt).update();
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
