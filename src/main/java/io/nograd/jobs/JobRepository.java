package io.nograd.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs, their epoch rows and their history in H2. Every state change is one conditional UPDATE
 * ({@code WHERE status = …}), so two threads can never both start, finish or cancel the same job; an epoch
 * row and the job's {@code epochs_done} and weights columns change in one transaction, and the primary
 * key (job, epoch) makes a duplicate row impossible.
 * <p>
 * Every write of a run is fenced by its attempt: it applies only while the job is {@code RUNNING} with that
 * {@code attempt}, else it throws {@link FencedException} and changes nothing. A worker that lost its job
 * (its node was declared dead and another node took the job with attempt + 1) can therefore never write
 * over the newer attempt, whatever it believes.
 */
@Repository
public class JobRepository {

    private static final String JOB_COLUMNS = """
            j.id, j.name, j.status, j.spec, j.created_at, j.started_at, j.finished_at, j.epochs_done, j.attempt,
            j.error_message, j.node, j.sweep_id, j.sweep_cell, j.sweep_coordinates, CASE WHEN j.status = 'QUEUED'
                THEN (SELECT COUNT(*) FROM jobs q WHERE q.status = 'QUEUED' AND q.seq <= j.seq) END AS queue_position,
            e.epoch, e.epochs, e.train_loss, e.train_accuracy, e.test_loss, e.test_accuracy, e.elapsed_seconds,
            e.objective, e.diagnostics
            FROM jobs j LEFT JOIN epochs e ON e.job_id = j.id AND e.epoch = j.epochs_done""";

    private static final TypeReference<Map<String, double[]>> DIAGNOSTICS = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, Object>> COORDINATES = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    public JobRepository(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
    }

    /** Weights file facts stored with the job: where, how big, its SHA-256, and the epoch it holds. */
    public record WeightsFile(String path, long size, String sha256, int epoch) {
    }

    public void insert(String id, JobSpec spec, Instant createdAt) {
        insert(id, spec, null, createdAt);
    }

    /** Inserts a QUEUED job; {@code sweep} (nullable) marks it as a sweep's cell. */
    public void insert(String id, JobSpec spec, Job.SweepCell sweep, Instant createdAt) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("""
                    INSERT INTO jobs (id, name, algorithm, dataset, status, spec, created_at, sweep_id, sweep_cell, sweep_coordinates)
                    VALUES (:id, :name, :algorithm, :dataset, 'QUEUED', :spec, :created, :sweep, :cell, :coords)""")
                    .param("id", id).param("name", spec.name()).param("algorithm", spec.algorithm())
                    .param("dataset", spec.dataset()).param("spec", json.writeValueAsString(spec))
                    .param("created", utc(createdAt)).param("sweep", sweep == null ? null : sweep.id())
                    .param("cell", sweep == null ? null : sweep.cell())
                    .param("coords", sweep == null ? null : json.writeValueAsString(sweep.coordinates())).update();
            addHistory(id, createdAt, sweep == null ? "queued" : "queued as cell " + sweep.cell() + " of sweep " + sweep.id());
        });
    }

    public Optional<Job> find(String id) {
        return jdbc.sql("SELECT " + JOB_COLUMNS + " WHERE j.id = :id").param("id", id).query(this::job).optional();
    }

    public List<Job> list(JobStatus status, String algorithm, String sweep, int limit, int offset) {
        return jdbc.sql("SELECT " + JOB_COLUMNS + " WHERE " + FILTER + " ORDER BY j.seq DESC LIMIT :limit OFFSET :offset")
                .param("status", status == null ? null : status.name()).param("algorithm", algorithm).param("sweep", sweep)
                .param("limit", limit).param("offset", offset).query(this::job).list();
    }

    public long count(JobStatus status, String algorithm) {
        return count(status, algorithm, null);
    }

    public long count(JobStatus status, String algorithm, String sweep) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs j WHERE " + FILTER)
                .param("status", status == null ? null : status.name()).param("algorithm", algorithm).param("sweep", sweep)
                .query(Long.class).single();
    }

    // The CASTs type the optional filters: PostgreSQL cannot infer a type for a bare "? IS NULL".
    private static final String FILTER = "(CAST(:status AS VARCHAR(16)) IS NULL OR j.status = :status)"
            + " AND (CAST(:algorithm AS VARCHAR(64)) IS NULL OR j.algorithm = :algorithm)"
            + " AND (CAST(:sweep AS VARCHAR(36)) IS NULL OR j.sweep_id = :sweep)";

    /** Every job of a sweep, in cell order. */
    public List<Job> ofSweep(String sweep) {
        return jdbc.sql("SELECT " + JOB_COLUMNS + " WHERE j.sweep_id = :sweep ORDER BY j.sweep_cell").param("sweep", sweep)
                .query(this::job).list();
    }

    /** How many of a sweep's jobs are queued or running. */
    public int activeInSweep(String sweep) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE sweep_id = :sweep AND status IN ('QUEUED', 'RUNNING')").param("sweep", sweep)
                .query(Integer.class).single();
    }

    /** The epoch rows of every job of a sweep, by job id, each ordered by epoch. */
    public Map<String, List<EpochMetrics>> epochsOfSweep(String sweep) {
        Map<String, List<EpochMetrics>> out = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT e.job_id, e.epoch, e.epochs, e.train_loss, e.train_accuracy, e.test_loss, e.test_accuracy, e.elapsed_seconds,
                       e.objective, NULL AS diagnostics
                FROM epochs e JOIN jobs j ON j.id = e.job_id WHERE j.sweep_id = :sweep ORDER BY e.job_id, e.epoch""")
                .param("sweep", sweep)
                .query(rs -> {
                    out.computeIfAbsent(rs.getString("job_id"), k -> new java.util.ArrayList<>()).add(metrics(rs));
                });
        return out;
    }

    /** Ids in creation order of the jobs in {@code status}. */
    public List<String> idsWithStatus(JobStatus status) {
        return jdbc.sql("SELECT id FROM jobs WHERE status = :status ORDER BY seq").param("status", status.name())
                .query(String.class).list();
    }

    /**
     * QUEUED → RUNNING, counting the attempt, on {@code node} for the cluster member {@code owner} (both null
     * on a single node); returns the new attempt, or 0 when the job is no longer queued (another node took
     * it, or it was cancelled or deleted).
     */
    public int markRunning(String id, Instant now, String node, String owner) {
        return tx.execute(s -> {
            int n = jdbc.sql("""
                    UPDATE jobs SET status = 'RUNNING', started_at = COALESCE(started_at, :now), attempt = attempt + 1,
                    node = :node, owner = :owner WHERE id = :id AND status = 'QUEUED'""")
                    .param("id", id).param("now", utc(now)).param("node", node).param("owner", owner).update();
            if (n != 1) return 0;
            int attempt = jdbc.sql("SELECT attempt FROM jobs WHERE id = :id").param("id", id).query(Integer.class).single();
            addHistory(id, now, (attempt == 1 ? "started" : "started again (attempt " + attempt + ")") + (node == null ? "" : " on node " + node));
            return attempt;
        });
    }

    /** RUNNING in {@code attempt} → a final status; false when the job was not running in that attempt. */
    public boolean finish(String id, int attempt, JobStatus status, String error, Instant now, String history) {
        return tx.execute(s -> {
            int n = jdbc.sql("""
                    UPDATE jobs SET status = :status, error_message = :error, finished_at = :now
                    WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                    .param("id", id).param("status", status.name()).param("error", truncate(error)).param("now", utc(now))
                    .param("attempt", attempt).update();
            if (n == 1) addHistory(id, now, history);
            return n == 1;
        });
    }

    /** QUEUED → CANCELLED; false when it was not queued. */
    public boolean cancelQueued(String id, Instant now) {
        return tx.execute(s -> {
            int n = jdbc.sql("""
                    UPDATE jobs SET status = 'CANCELLED', finished_at = :now WHERE id = :id AND status = 'QUEUED'""")
                    .param("id", id).param("now", utc(now)).update();
            if (n == 1) addHistory(id, now, "cancelled while queued");
            return n == 1;
        });
    }

    /**
     * RUNNING → CANCELLED for a job no worker holds (its run died before recording an end); false when it
     * was not running under {@code attempt}.
     */
    public boolean cancelOrphan(String id, int attempt, Instant now) {
        return finish(id, attempt, JobStatus.CANCELLED, null, now, "cancelled; no worker was running it any more");
    }

    /** What {@link #requeueStalled} did with a job whose process died under it. */
    public enum Stall { QUEUED_AGAIN, FAILED, NOT_RUNNING }

    /** Deaths of the process running a job, with no epoch finished in between, before it is not resumed again. */
    public static final int MAX_STALLS = 3;

    /**
     * RUNNING in {@code attempt} → QUEUED after the process running it died ({@code why}: a kill, a crash, a
     * node gone from the cluster), counting a stall; at {@link #MAX_STALLS} stalls since its last finished epoch
     * (each epoch resets the count) it ends FAILED instead, so a job that takes down every process it runs in
     * cannot crash-loop a server or a cluster, while a long job that keeps making progress is always resumed.
     */
    public Stall requeueStalled(String id, int attempt, Instant now, String why) {
        return tx.execute(s -> {
            int n = jdbc.sql("UPDATE jobs SET stalls = stalls + 1 WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt")
                    .param("id", id).param("attempt", attempt).update();
            if (n != 1) return Stall.NOT_RUNNING;
            int stalls = jdbc.sql("SELECT stalls FROM jobs WHERE id = :id").param("id", id).query(Integer.class).single();
            if (stalls < MAX_STALLS) {
                requeue(id, attempt, now, why + "; queued again to resume from its last checkpoint");
                return Stall.QUEUED_AGAIN;
            }
            finish(id, attempt, JobStatus.FAILED, STALLED, now, why + "; failed: died under it " + stalls + " times since its last finished epoch");
            return Stall.FAILED;
        });
    }

    /** The error of a job {@link #requeueStalled} ended. */
    public static final String STALLED = "the process training this job died under it " + MAX_STALLS + " times with no epoch finished "
            + "in between (perhaps out of memory); it is not resumed again; submit it with a smaller network or batchSize";

    /**
     * Stores a finished epoch's row together with the weights file that holds that epoch, fenced: the job row
     * is updated (and locked) first, and only if {@code attempt} still holds it is the row inserted.
     */
    public void insertEpoch(String id, int attempt, EpochMetrics m, WeightsFile weights) {
        tx.executeWithoutResult(s -> {
            int n = jdbc.sql("""
                    UPDATE jobs SET epochs_done = :epoch, weights_path = :path, weights_size = :size,
                    weights_sha256 = :sha, weights_epoch = :wepoch, stalls = 0 WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                    .param("id", id).param("epoch", m.epoch()).param("path", weights.path()).param("size", weights.size())
                    .param("sha", weights.sha256()).param("wepoch", weights.epoch()).param("attempt", attempt).update();
            if (n != 1) throw new FencedException(id, attempt, "epoch " + m.epoch());
            insertRow(id, m);
        });
    }

    /**
     * Makes the stored rows equal the checkpoint's: rows after it are removed (their epochs run again), rows
     * it holds but H2 lost are inserted, and the job's epoch count and weights columns match it.
     */
    public void reconcile(String id, int attempt, List<EpochMetrics> checkpointRows, WeightsFile weights, Instant now, String history) {
        tx.executeWithoutResult(s -> {
            int last = weights != null ? weights.epoch() : checkpointRows.isEmpty() ? 0 : checkpointRows.get(checkpointRows.size() - 1).epoch();
            if (jdbc.sql("UPDATE jobs SET epochs_done = :last WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt")
                    .param("id", id).param("last", last).param("attempt", attempt).update() != 1) {
                throw new FencedException(id, attempt, "the resume from epoch " + last);
            }
            jdbc.sql("DELETE FROM epochs WHERE job_id = :id AND epoch > :last").param("id", id).param("last", last).update();
            List<Integer> have = jdbc.sql("SELECT epoch FROM epochs WHERE job_id = :id").param("id", id).query(Integer.class).list();
            for (EpochMetrics m : checkpointRows) if (!have.contains(m.epoch())) insertRow(id, m);
            jdbc.sql("""
                    UPDATE jobs SET epochs_done = :last, weights_path = :path, weights_size = :size,
                    weights_sha256 = :sha, weights_epoch = :wepoch WHERE id = :id""")
                    .param("id", id).param("last", last)
                    .param("path", weights == null ? null : weights.path()).param("size", weights == null ? null : weights.size())
                    .param("sha", weights == null ? null : weights.sha256()).param("wepoch", weights == null ? null : weights.epoch())
                    .update();
            addHistory(id, now, history);
        });
    }

    /**
     * RUNNING in {@code attempt} → QUEUED, letting go of its node (the node died, was declared dead, or is
     * shutting down); the next attempt resumes from the last checkpoint. False when the attempt no longer holds it.
     */
    public boolean requeue(String id, int attempt, Instant now, String history) {
        return tx.execute(s -> {
            int n = jdbc.sql("UPDATE jobs SET status = 'QUEUED', owner = NULL WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt")
                    .param("id", id).param("attempt", attempt).update();
            if (n == 1) addHistory(id, now, history);
            return n == 1;
        });
    }

    /** A running job, the attempt running it and where: the cluster member's id and the node's name. */
    public record Running(String id, int attempt, String owner, String node) {
    }

    /** Every RUNNING job, in creation order. */
    public List<Running> running() {
        return jdbc.sql("SELECT id, attempt, owner, node FROM jobs WHERE status = 'RUNNING' ORDER BY seq")
                .query((rs, i) -> new Running(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4))).list();
    }

    /** The first {@code limit} QUEUED job ids in queue order. */
    public List<String> queued(int limit) {
        return jdbc.sql("SELECT id FROM jobs WHERE status = 'QUEUED' ORDER BY seq LIMIT :limit").param("limit", limit)
                .query(String.class).list();
    }

    public long countQueued() {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE status = 'QUEUED'").query(Long.class).single();
    }

    public Optional<WeightsFile> weights(String id) {
        return jdbc.sql("SELECT weights_path, weights_size, weights_sha256, weights_epoch FROM jobs WHERE id = :id AND weights_path IS NOT NULL")
                .param("id", id)
                .query((rs, i) -> new WeightsFile(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4))).optional();
    }

    /** At most {@code limit} epoch rows after epoch {@code after}, in order: one page of a replay. */
    public List<EpochMetrics> epochs(String id, int after, int limit) {
        return jdbc.sql("""
                SELECT epoch, epochs, train_loss, train_accuracy, test_loss, test_accuracy, elapsed_seconds, objective, diagnostics
                FROM epochs e WHERE job_id = :id AND epoch > :after ORDER BY epoch LIMIT :limit""")
                .param("id", id).param("after", after).param("limit", limit).query((rs, i) -> metrics(rs)).list();
    }

    public List<EpochMetrics> epochs(String id) {
        return jdbc.sql("""
                SELECT epoch, epochs, train_loss, train_accuracy, test_loss, test_accuracy, elapsed_seconds, objective, diagnostics
                FROM epochs e WHERE job_id = :id ORDER BY epoch""").param("id", id).query((rs, i) -> metrics(rs)).list();
    }

    public List<Job.HistoryEntry> history(String id) {
        return jdbc.sql("SELECT happened_at, message FROM job_history WHERE job_id = :id ORDER BY seq").param("id", id)
                .query((rs, i) -> new Job.HistoryEntry(instant(rs, "happened_at"), rs.getString("message"))).list();
    }

    public void addHistory(String id, Instant at, String message) {
        jdbc.sql("INSERT INTO job_history (job_id, happened_at, message) VALUES (:id, :at, :msg)")
                .param("id", id).param("at", utc(at)).param("msg", truncate(message)).update();
    }

    /** Stored messages fit their VARCHAR(4000) columns: a long exception text must not make the update itself fail. */
    static String truncate(String message) {
        return message == null || message.length() <= 4000 ? message : message.substring(0, 3998) + "…";
    }

    /** Deletes a job that is not running (its rows and history cascade); false when none was deleted. */
    public boolean deleteFinished(String id) {
        return jdbc.sql("DELETE FROM jobs WHERE id = :id AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'PRUNED')").param("id", id).update() == 1;
    }

    private void insertRow(String id, EpochMetrics m) {
        jdbc.sql("""
                INSERT INTO epochs (job_id, epoch, epochs, train_loss, train_accuracy, test_loss, test_accuracy,
                                    elapsed_seconds, objective, diagnostics)
                VALUES (:id, :epoch, :epochs, :trainLoss, :trainAcc, :testLoss, :testAcc, :seconds, :objective, :diagnostics)""")
                .param("id", id).param("epoch", m.epoch()).param("epochs", m.epochs()).param("trainLoss", m.trainLoss())
                .param("trainAcc", m.trainAccuracy()).param("testLoss", m.testLoss()).param("testAcc", m.testAccuracy())
                .param("seconds", m.seconds()).param("objective", finiteOrNull(m.objective()))
                .param("diagnostics", m.diagnostics() == null || m.diagnostics().isEmpty() ? null : json.writeValueAsString(m.diagnostics()))
                .update();
    }

    private Job job(ResultSet rs, int row) throws SQLException {
        JobSpec spec = json.readValue(rs.getString("spec"), JobSpec.class);
        long position = rs.getLong("queue_position");
        Integer queuePosition = rs.wasNull() ? null : (int) position;
        rs.getInt("epoch");
        EpochMetrics latest = rs.wasNull() ? null : metrics(rs);
        String sweepId = rs.getString("sweep_id");
        Job.SweepCell sweep = sweepId == null ? null
                : new Job.SweepCell(sweepId, rs.getInt("sweep_cell"), json.readValue(rs.getString("sweep_coordinates"), COORDINATES));
        return new Job(rs.getString("id"), rs.getString("name"), JobStatus.valueOf(rs.getString("status")), spec,
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"), rs.getInt("epochs_done"),
                queuePosition, latest, rs.getString("error_message"), rs.getInt("attempt"), rs.getString("node"), sweep, null);
    }

    private EpochMetrics metrics(ResultSet rs) throws SQLException {
        String diagnostics = rs.getString("diagnostics");
        Map<String, double[]> d = diagnostics == null ? Map.of() : new LinkedHashMap<>(json.readValue(diagnostics, DIAGNOSTICS));
        return new EpochMetrics(rs.getInt("epoch"), rs.getInt("epochs"), rs.getDouble("train_loss"), nullableDouble(rs, "train_accuracy"),
                rs.getDouble("test_loss"), nullableDouble(rs, "test_accuracy"), rs.getDouble("elapsed_seconds"),
                nullableDouble(rs, "objective"), d);
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Double finiteOrNull(Double d) {
        return d == null || !Double.isFinite(d) ? null : d;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /** Jobs per status, every status present (0 when none): the operator's gauges. */
    public Map<JobStatus, Long> countByStatus() {
        Map<JobStatus, Long> counts = new java.util.EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) counts.put(s, 0L);
        jdbc.sql("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
                .query((rs, i) -> counts.put(JobStatus.valueOf(rs.getString("status")), rs.getLong("n"))).list();
        return counts;
    }

    /** Records the SHA-256 of the dataset the job's run trains on. */
    public void recordDatasetSha256(String id, String sha256) {
        jdbc.sql("UPDATE jobs SET dataset_sha256 = :sha WHERE id = :id").param("sha", sha256).param("id", id).update();
    }

    /** The SHA-256 of the dataset the job trained on; empty before its run started. */
    public Optional<String> datasetSha256(String id) {
        return jdbc.sql("SELECT dataset_sha256 FROM jobs WHERE id = :id").param("id", id)
                .query((rs, i) -> Optional.ofNullable(rs.getString(1))).optional().flatMap(o -> o);
    }
}
