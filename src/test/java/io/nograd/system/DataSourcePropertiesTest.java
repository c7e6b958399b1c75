package io.nograd.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Operators configure the database with the standard {@code spring.datasource.*} properties: with a
 * {@code url} given, the server's history goes there (here another H2 file) and the Hikari settings apply,
 * and nothing is created at the default {@code {data-dir}/nograd}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class DataSourcePropertiesTest {

    static final Path DATA = temp("nograd-data-");
    static final Path DB = temp("nograd-db-");

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("nograd.data-dir", DATA::toString);
        r.add("spring.datasource.url", () -> "jdbc:h2:file:" + DB.resolve("elsewhere") + ";WRITE_DELAY=0");
        r.add("spring.datasource.username", () -> "operator");
        r.add("spring.datasource.password", () -> "secret");
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "3");
        r.add("spring.datasource.hikari.pool-name", () -> "ops-pool");
    }

    @Autowired
    DataSource dataSource;

    @Test
    void standardPropertiesChooseTheDatabase() throws Exception {
        HikariDataSource ds = (HikariDataSource) dataSource;
        assertEquals(3, ds.getMaximumPoolSize());
        assertEquals("ops-pool", ds.getPoolName());
        assertEquals("operator", ds.getUsername());
        try (var c = ds.getConnection(); var rs = c.createStatement().executeQuery("select count(*) from jobs")) {
            assertTrue(rs.next(), "Flyway migrated the configured database");
        }
        assertTrue(Files.isRegularFile(DB.resolve("elsewhere.mv.db")), "the H2 file of spring.datasource.url");
        assertFalse(Files.exists(DATA.resolve("nograd.mv.db")), "nothing at the default location");
    }

    private static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
