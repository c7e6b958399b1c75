package io.nograd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.FencedException;
import io.nograd.jobs.JobRepository;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobStatus;

/**
 * The fence on a real PostgreSQL: attempt 1 runs a job on node a and writes two epochs; a is declared dead,
 * the job is queued again and taken by node b as attempt 2. Then attempt 1 is revived and tries every write
 * a run makes (epoch row, solver state, checkpoint, resume, final status): each is rejected and changes nothing, while
 * attempt 2's writes go through. Then node deaths under a second job: counted only since its last finished epoch.
 */
class FencingTest {

    @Test
    void aRevivedStaleAttemptCannotWrite() throws Exception {
        try (Postgres pg = Postgres.start(); HikariDataSource ds = Members.migrated(pg.createDatabase("fence"), 4)) {
            JobRepository repo = Members.repository(ds);
            DatabaseCheckpointsProbe checkpoints = new DatabaseCheckpointsProbe(ds);
            JobSpec spec = Members.JSON.readValue("""
                    {"name":"fenced","algorithm":"sgd","dataset":"blobs","layers":[2,2],"epochs":5}""", JobSpec.class);
            String id = "00000000-0000-0000-0000-000000000001";
            repo.insert(id, spec, Instant.now());
            assertEquals(1, repo.markRunning(id, Instant.now(), "a", "member-a"));
            checkpoints.writeState(id, 1, 1);
            repo.insertEpoch(id, 1, row(1), file(1));
            checkpoints.write(id, 1, 1);
            checkpoints.writeState(id, 1, 2);
            repo.insertEpoch(id, 1, row(2), file(2));
            checkpoints.write(id, 1, 2);
            assertEquals(List.of(2), checkpoints.states(id), "the checkpoint of epoch 2 retired the state of epoch 1");

            assertTrue(repo.requeue(id, 1, Instant.now(), "node a left the cluster; queued again to resume from its last checkpoint"));
            assertEquals(2, repo.markRunning(id, Instant.now(), "b", "member-b"));
            assertEquals(2, repo.find(id).orElseThrow().attempt());

            // the stale attempt 1 wakes up and carries on
            assertThrows(FencedException.class, () -> repo.insertEpoch(id, 1, row(3), file(3)));
            assertThrows(FencedException.class, () -> checkpoints.write(id, 1, 3));
            assertThrows(FencedException.class, () -> checkpoints.writeState(id, 1, 3));
            assertThrows(FencedException.class, () -> repo.reconcile(id, 1, List.of(row(1)), file(1), Instant.now(), "stale resume"));
            assertFalse(repo.finish(id, 1, JobStatus.SUCCEEDED, null, Instant.now(), "stale success"));
            assertFalse(repo.requeue(id, 1, Instant.now(), "stale requeue"));
            assertEquals(List.of(1, 2), repo.epochs(id).stream().map(EpochMetrics::epoch).toList());
            assertEquals(2, checkpoints.epoch(id), "the checkpoint is attempt 1's last legitimate one");

            // attempt 2 resumes and finishes
            repo.reconcile(id, 2, List.of(row(1), row(2)), file(2), Instant.now(), "resumed from the checkpoint of epoch 2");
            for (int e = 3; e <= 5; e++) {
                checkpoints.writeState(id, 2, e);
                checkpoints.write(id, 2, e);
                repo.insertEpoch(id, 2, row(e), file(e));
            }
            assertEquals(List.of(5), checkpoints.states(id));
            checkpoints.store.deleteStates(id, 1);
            assertEquals(List.of(5), checkpoints.states(id), "the stale attempt cannot remove attempt 2's state");
            checkpoints.store.deleteStates(id, 2);
            assertEquals(List.of(), checkpoints.states(id));
            assertTrue(repo.finish(id, 2, JobStatus.SUCCEEDED, null, Instant.now(), "succeeded after 5 epochs"));
            assertEquals(List.of(1, 2, 3, 4, 5), repo.epochs(id).stream().map(EpochMetrics::epoch).toList());
            assertEquals("b", repo.find(id).orElseThrow().node());
            assertEquals(JobStatus.SUCCEEDED, repo.find(id).orElseThrow().status());

            // Node deaths under a job: each is a stall, an epoch finished resets the count, and the third in a row fails it.
            String loop = "00000000-0000-0000-0000-000000000002";
            repo.insert(loop, spec, Instant.now());
            int attempt = repo.markRunning(loop, Instant.now(), "a", "member-a");
            assertEquals(JobRepository.Stall.QUEUED_AGAIN, repo.requeueStalled(loop, attempt, Instant.now(), "node a left the cluster"));
            attempt = repo.markRunning(loop, Instant.now(), "b", "member-b");
            repo.insertEpoch(loop, attempt, row(1), file(1));
            assertEquals(JobRepository.Stall.QUEUED_AGAIN, repo.requeueStalled(loop, attempt, Instant.now(), "node b left the cluster"));
            assertEquals(JobRepository.Stall.NOT_RUNNING, repo.requeueStalled(loop, attempt, Instant.now(), "a second sweep"));
            for (int stall = 2; stall <= JobRepository.MAX_STALLS; stall++) {
                attempt = repo.markRunning(loop, Instant.now(), "c", "member-c");
                assertEquals(stall < JobRepository.MAX_STALLS ? JobRepository.Stall.QUEUED_AGAIN : JobRepository.Stall.FAILED,
                        repo.requeueStalled(loop, attempt, Instant.now(), "node c left the cluster"), "stall " + stall);
            }
            assertEquals(JobStatus.FAILED, repo.find(loop).orElseThrow().status());
            assertTrue(repo.find(loop).orElseThrow().error().contains(JobRepository.MAX_STALLS + " times with no epoch finished"));
            assertEquals(1 + JobRepository.MAX_STALLS, repo.find(loop).orElseThrow().attempt(), "the stall before the epoch was not counted");
        }
    }

    static EpochMetrics row(int e) {
        return new EpochMetrics(e, 5, 1.0 / e, null, 1.0 / e, null, 0.1, null, Map.of());
    }

    static JobRepository.WeightsFile file(int e) {
        return new JobRepository.WeightsFile("db:checkpoints/x", 3, "", e);
    }

    /** The checkpoint table's fence, through the same class the server uses. */
    static final class DatabaseCheckpointsProbe {
        private final io.nograd.weights.DatabaseCheckpoints store;
        private final JdbcClient jdbc;

        DatabaseCheckpointsProbe(HikariDataSource ds) {
            this.jdbc = JdbcClient.create(ds);
            this.store = new io.nograd.weights.DatabaseCheckpoints(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)));
        }

        void write(String id, int attempt, int epoch) {
            store.write(id, attempt, epoch, new byte[] {1, 2, (byte) epoch});
        }

        void writeState(String id, int attempt, int epoch) {
            store.writeState(id, attempt, epoch, new byte[] {4, 5, (byte) epoch});
        }

        List<Integer> states(String id) {
            return jdbc.sql("SELECT epoch FROM solver_states WHERE job_id = :id ORDER BY epoch").param("id", id).query(Integer.class).list();
        }

        int epoch(String id) {
            return jdbc.sql("SELECT epoch FROM checkpoints WHERE job_id = :id").param("id", id).query(Integer.class).single();
        }
    }
}
