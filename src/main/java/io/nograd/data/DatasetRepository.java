package io.nograd.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The uploaded datasets recorded in H2 (table {@code uploaded_datasets}): each upload's stored CSV file and
 * the parse options it was accepted with, so it can be parsed again identically after a restart.
 */
@Repository
public class DatasetRepository {

    private static final Logger log = LoggerFactory.getLogger(DatasetRepository.class);
    /** Seed of the train/test split of uploads, fixed so a reload gives the same split. */
    static final long SPLIT_SEED = 1;

    private final JdbcClient jdbc;
    private final DatasetRegistry registry;

    public DatasetRepository(JdbcClient jdbc, DatasetRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
    }

    /** Records an upload whose file is already stored at {@code file}. */
    public void insert(String name, Path file, String labelColumn, double testFraction) {
        jdbc.sql("INSERT INTO uploaded_datasets (name, file_path, label_column, test_fraction, created_at) VALUES (:n, :p, :l, :t, :c)")
                .param("n", name).param("p", file.toString()).param("l", labelColumn).param("t", testFraction)
                .param("c", OffsetDateTime.now(ZoneOffset.UTC)).update();
    }

    /** Reloads the uploads recorded in H2 before the job recovery runs (which may need them). */
    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    public void reloadUploads() {
        jdbc.sql("SELECT name, file_path, label_column, test_fraction FROM uploaded_datasets ORDER BY created_at").query((rs, i) -> {
            String n = rs.getString(1);
            Path p = Path.of(rs.getString(2));
            try (Reader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                registry.addUploaded(CsvDataset.parse(n, in, rs.getString(3), rs.getDouble(4), SPLIT_SEED));
            } catch (IOException | DatasetException e) {
                log.warn("uploaded dataset {} could not be reloaded from {}: {}", n, p, e.getMessage());
            }
            return n;
        }).list();
    }
}
