package io.nograd.reproductions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Which sweep ran which preset at which scale ({@code V8__reproductions.sql}). */
@Repository
class ReproductionRepository {

    /** A stored run; the status is the sweep's, read by the service. */
    record RunRow(String sweepId, String reproductionId, int version, String scale, Instant createdAt) {
    }

    private final JdbcClient jdbc;

    ReproductionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String sweepId, String reproductionId, int version, String scale, Instant now) {
        jdbc.sql("INSERT INTO reproduction_runs (sweep_id, reproduction_id, version, scale, created_at) VALUES (:s, :r, :v, :scale, :now)")
                .param("s", sweepId).param("r", reproductionId).param("v", version).param("scale", scale)
                .param("now", now.atOffset(ZoneOffset.UTC)).update();
    }

    List<RunRow> latest(String reproductionId, int limit) {
        return jdbc.sql("SELECT * FROM reproduction_runs WHERE reproduction_id = :r ORDER BY seq DESC LIMIT :limit")
                .param("r", reproductionId).param("limit", limit).query(this::row).list();
    }

    private RunRow row(ResultSet rs, int n) throws SQLException {
        OffsetDateTime t = rs.getObject("created_at", OffsetDateTime.class);
        return new RunRow(rs.getString("sweep_id"), rs.getString("reproduction_id"), rs.getInt("version"), rs.getString("scale"),
                t == null ? null : t.toInstant());
    }
}
