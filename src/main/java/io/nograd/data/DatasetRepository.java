package io.nograd.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.annotation.PostConstruct;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /**
     * Records an upload whose file is already stored at {@code file}. A MERGE: a name whose file failed to
     * reload at start is still recorded, and its re-upload replaces the record.
     */
    public void record(String name, Path file, String labelColumn, double testFraction, long size) {
        jdbc.sql("""
                MERGE INTO uploaded_datasets (name, file_path, label_column, test_fraction, created_at, file_size)
                KEY (name) VALUES (:n, :p, :l, :t, :c, :s)""")
                .param("n", name).param("p", file.toString()).param("l", labelColumn).param("t", testFraction)
                .param("c", OffsetDateTime.now(ZoneOffset.UTC)).param("s", size).update();
    }

    /** The file sizes of every upload but {@code name} (null for uploads recorded before sizes were). */
    public List<Long> sizesExcept(String name) {
        return jdbc.sql("SELECT file_size FROM uploaded_datasets WHERE name <> :n").param("n", name).query(Long.class).list();
    }

    /** The stored file of upload {@code name}: one path, or none when it is not recorded. */
    public List<String> paths(String name) {
        return jdbc.sql("SELECT file_path FROM uploaded_datasets WHERE name = :n").param("n", name).query(String.class).list();
    }

    /** Queued or running jobs on dataset {@code name} (the jobs table is read, not the jobs package). */
    public long activeJobs(String name) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE dataset = :n AND status IN ('QUEUED', 'RUNNING')").param("n", name)
                .query(Long.class).single();
    }

    public void delete(String name) {
        jdbc.sql("DELETE FROM uploaded_datasets WHERE name = :n").param("n", name).update();
    }

    /**
     * Reloads the uploads recorded in H2 as this repository starts: before the job recovery (which may need
     * them) and before the server accepts requests. The decoding is the upload's strict UTF-8.
     */
    @PostConstruct
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
