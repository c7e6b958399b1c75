package io.nograd.system;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Flyway V10: DLAM no longer takes {@code params.fistaIterations} (its output step became the shared loss
 * prox), so a DLAM spec stored with it fails validation when it is run. This removes the key from the specs
 * that will still run: jobs QUEUED or RUNNING (a RUNNING one resumes at start), and the cells of a running
 * sweep not released yet. Ended jobs keep the spec they ran with. The specs are JSON in CLOB columns; the
 * edit is made here in Java, over JDBC, because H2 and PostgreSQL share no SQL function that edits JSON text.
 */
@Component
public class V10DlamSpecsMigration implements JavaMigration {

    private static final Logger log = LoggerFactory.getLogger(V10DlamSpecsMigration.class);
    static final String REMOVED = "fistaIterations";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("10");
    }

    @Override
    public String getDescription() {
        return "drop params.fistaIterations from DLAM specs still to run";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        int jobs = rewrite(c, "SELECT spec, id FROM jobs WHERE status IN ('QUEUED', 'RUNNING')",
                "UPDATE jobs SET spec = ? WHERE id = ?");
        int cells = rewrite(c, """
                SELECT c.spec, c.sweep_id, c.idx FROM sweep_cells c JOIN sweeps s ON s.id = c.sweep_id
                WHERE s.status = 'RUNNING' AND c.job_id IS NULL""",
                "UPDATE sweep_cells SET spec = ? WHERE sweep_id = ? AND idx = ?");
        if (jobs + cells > 0) {
            log.info("V10: removed params.{} (DLAM no longer takes it) from {} queued or running job spec(s) and {} unreleased sweep cell(s)",
                    REMOVED, jobs, cells);
        }
    }

    /**
     * Rewrites the specs {@code select} finds (the spec, then the row's key columns) that are DLAM's and carry the
     * key, by {@code update} (the spec, then the key); returns how many.
     */
    private static int rewrite(Connection c, String select, String update) throws SQLException {
        List<Object[]> changed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(select); ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String spec = rs.getString(1);
                String fixed = withoutRemovedParam(spec);
                if (fixed.equals(spec)) continue;
                Object[] row = new Object[columns];
                row[0] = fixed;
                for (int i = 1; i < columns; i++) row[i] = rs.getObject(i + 1);
                changed.add(row);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(update)) {
            for (Object[] row : changed) {
                ps.setString(1, (String) row[0]);
                for (int i = 1; i < row.length; i++) ps.setObject(i + 1, row[i]);
                ps.executeUpdate();
            }
        }
        return changed.size();
    }

    /** The spec without {@code params.fistaIterations} if it is a DLAM spec, else the same text. */
    static String withoutRemovedParam(String spec) {
        JsonNode root = JSON.readTree(spec);
        if (!(root instanceof ObjectNode o) || !"dlam".equalsIgnoreCase(o.path("algorithm").asString("").strip())) return spec;
        if (!(o.get("params") instanceof ObjectNode params) || !params.has(REMOVED)) return spec;
        params.remove(REMOVED);
        return JSON.writeValueAsString(o);
    }
}
