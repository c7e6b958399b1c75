package io.nograd.sweeps;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import io.nograd.jobs.JobSpec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sweeps and their cells in H2. A sweep and all its cells are inserted in one transaction; a cell's
 * {@code job_id} is set only by {@link #markReleased} inside the transaction that inserts its job, and only
 * while it is null, so no cell is ever released twice.
 */
@Repository
class SweepRepository {

    /** A sweep's row. */
    record SweepRow(String id, String name, String status, String request, int maxConcurrent, int cellCount, Instant createdAt,
                    Instant finishedAt) {
    }

    /** A cell's row; the pruned fields are set when a rule stopped its job, error when it could not be released. */
    record CellRow(int index, ObjectNode coordinates, JobSpec spec, String jobId, String prunedRule, Integer prunedEpoch,
                   Double prunedValue, Double prunedThreshold, String error) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    SweepRepository(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
    }

    void insert(String id, SweepPlanner.Plan plan, String request, Instant now) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("""
                    INSERT INTO sweeps (id, name, status, request, max_concurrent, cell_count, created_at)
                    VALUES (:id, :name, 'RUNNING', :request, :max, :cells, :now)""")
                    .param("id", id).param("name", plan.name()).param("request", request).param("max", plan.maxConcurrent())
                    .param("cells", plan.cells().size()).param("now", utc(now)).update();
            for (SweepPlanner.Cell c : plan.cells()) {
                jdbc.sql("INSERT INTO sweep_cells (sweep_id, idx, release_rank, coordinates, spec) VALUES (:id, :idx, :rank, :coords, :spec)")
                        .param("id", id).param("idx", c.index()).param("rank", c.rank()).param("coords", json.writeValueAsString(c.coordinates()))
                        .param("spec", json.writeValueAsString(c.spec())).update();
            }
        });
    }

    Optional<SweepRow> find(String id) {
        return jdbc.sql("SELECT * FROM sweeps WHERE id = :id").param("id", id).query(this::sweep).optional();
    }

    List<SweepRow> list(int limit, int offset) {
        return jdbc.sql("SELECT * FROM sweeps ORDER BY seq DESC LIMIT :limit OFFSET :offset").param("limit", limit).param("offset", offset)
                .query(this::sweep).list();
    }

    long count() {
        return jdbc.sql("SELECT COUNT(*) FROM sweeps").query(Long.class).single();
    }

    List<String> idsRunning() {
        return jdbc.sql("SELECT id FROM sweeps WHERE status = 'RUNNING' ORDER BY seq").query(String.class).list();
    }

    List<CellRow> cells(String id) {
        return jdbc.sql("SELECT * FROM sweep_cells WHERE sweep_id = :id ORDER BY idx").param("id", id).query(this::cell).list();
    }

    /** The next {@code limit} cells never released, in release order. */
    List<CellRow> unreleased(String id, int limit) {
        return jdbc.sql("SELECT * FROM sweep_cells WHERE sweep_id = :id AND job_id IS NULL AND error IS NULL ORDER BY release_rank LIMIT :limit")
                .param("id", id).param("limit", limit).query(this::cell).list();
    }

    /**
     * Locks the sweep's row until the calling transaction ends, so that releases of one sweep's cells take
     * turns across every node sharing the database.
     */
    void lock(String id) {
        jdbc.sql("SELECT id FROM sweeps WHERE id = :id FOR UPDATE").param("id", id).query(String.class).optional();
    }

    /** Records the cell's job; must run in the job's insert transaction. Throws when the cell was released already. */
    void markReleased(String id, int index, String jobId) {
        int n = jdbc.sql("UPDATE sweep_cells SET job_id = :job WHERE sweep_id = :id AND idx = :idx AND job_id IS NULL")
                .param("job", jobId).param("id", id).param("idx", index).update();
        if (n != 1) throw new IllegalStateException("cell " + index + " of sweep " + id + " was released already");
    }

    void markError(String id, int index, String error) {
        jdbc.sql("UPDATE sweep_cells SET error = :error WHERE sweep_id = :id AND idx = :idx AND job_id IS NULL")
                .param("error", error.length() > 4000 ? error.substring(0, 4000) : error).param("id", id).param("idx", index).update();
    }

    void recordPruned(String id, int index, Pruner.Decision d) {
        jdbc.sql("""
                UPDATE sweep_cells SET pruned_rule = :rule, pruned_epoch = :epoch, pruned_value = :value, pruned_threshold = :threshold
                WHERE sweep_id = :id AND idx = :idx""")
                .param("rule", d.rule()).param("epoch", d.epoch()).param("value", d.value()).param("threshold", d.threshold())
                .param("id", id).param("idx", index).update();
    }

    /** RUNNING → {@code status}; false when it had ended already. */
    boolean finish(String id, String status, Instant now) {
        return jdbc.sql("UPDATE sweeps SET status = :status, finished_at = :now WHERE id = :id AND status = 'RUNNING'")
                .param("status", status).param("now", utc(now)).param("id", id).update() == 1;
    }

    void delete(String id) {
        jdbc.sql("DELETE FROM sweeps WHERE id = :id").param("id", id).update();
    }

    private SweepRow sweep(ResultSet rs, int row) throws SQLException {
        return new SweepRow(rs.getString("id"), rs.getString("name"), rs.getString("status"), rs.getString("request"),
                rs.getInt("max_concurrent"), rs.getInt("cell_count"), instant(rs, "created_at"), instant(rs, "finished_at"));
    }

    private CellRow cell(ResultSet rs, int row) throws SQLException {
        int epoch = rs.getInt("pruned_epoch");
        Integer prunedEpoch = rs.wasNull() ? null : epoch;
        double v = rs.getDouble("pruned_value");
        Double value = rs.wasNull() ? null : v;
        double t = rs.getDouble("pruned_threshold");
        Double threshold = rs.wasNull() ? null : t;
        return new CellRow(rs.getInt("idx"), (ObjectNode) json.readTree(rs.getString("coordinates")),
                json.readValue(rs.getString("spec"), JobSpec.class), rs.getString("job_id"), rs.getString("pruned_rule"), prunedEpoch,
                value, threshold, rs.getString("error"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
