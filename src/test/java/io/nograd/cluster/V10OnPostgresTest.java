package io.nograd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.nograd.jobs.RemovedParamResumeTest;
import io.nograd.system.PortableSchema;
import io.nograd.system.V10DlamSpecsMigration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Flyway V10 (a Java migration that edits stored JSON specs over JDBC) on a real PostgreSQL holding V9 rows, the
 * database a cluster runs on: the specs still to run lose {@code params.fistaIterations}, the ended job keeps it, and
 * every other field and row is as it was. {@code jobs.RemovedParamResumeTest} runs the same rows through a server on H2.
 */
class V10OnPostgresTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void storedDlamSpecsLoseTheRemovedParamOnPostgres() throws Exception {
        try (Postgres pg = Postgres.start()) {
            String url = pg.createDatabase("v10");
            Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").callbacks(new PortableSchema())
                    .target("9").load().migrate();
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                RemovedParamResumeTest.seedV9(c);
            }
            var result = Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration")
                    .callbacks(new PortableSchema()).javaMigrations(new V10DlamSpecsMigration()).target("10").load().migrate();
            assertEquals("10", result.targetSchemaVersion, "migrated to V10");

            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                for (String id : new String[] {"v10-queued", "v10-running"}) {
                    JsonNode spec = JSON.readTree(text(c, "SELECT spec FROM jobs WHERE id = ?", id));
                    assertFalse(spec.get("params").has("fistaIterations"), id + ": " + spec);
                    assertEquals(id, spec.get("name").asString(), "the rest of the spec is kept");
                    assertEquals(3, spec.get("layers").size());
                }
                assertEquals(50, JSON.readTree(text(c, "SELECT spec FROM jobs WHERE id = ?", "v10-ended")).get("params").get("fistaIterations").asInt(),
                        "an ended job keeps the spec it ran with");
                JsonNode cell = JSON.readTree(text(c, "SELECT spec FROM sweep_cells WHERE sweep_id = ?", "v10-sweep"));
                assertFalse(cell.get("params").has("fistaIterations"), cell.toString());
                assertTrue(cell.get("params").isObject());
                assertEquals("3", text(c, "SELECT count(*) FROM jobs WHERE id LIKE ?", "v10-%"), "no row added or lost");
            }
        }
    }

    private static String text(Connection c, String sql, String arg) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), sql + " " + arg);
                return rs.getString(1);
            }
        }
    }
}
