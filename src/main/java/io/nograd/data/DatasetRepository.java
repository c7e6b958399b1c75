package io.nograd.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.InputStreamSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.support.SqlBinaryValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.nograd.system.ConflictException;

/**
 * The uploaded datasets recorded in the database (table {@code uploaded_datasets}): each upload's shape, the
 * parse options it was accepted with, and its CSV, so that it parses again identically after a restart and,
 * with a shared database, on every node of a cluster. A single node keeps the CSV as a file under
 * {@code {data-dir}/datasets/} (the row names it); in cluster mode the row holds the CSV itself.
 */
@Repository
public class DatasetRepository implements UploadStore {

    private static final Logger log = LoggerFactory.getLogger(DatasetRepository.class);
    /** Seed of the train/test split of uploads, fixed so a reload gives the same split. */
    static final long SPLIT_SEED = 1;
    private static final String SHAPE = "SELECT name, features, classes, train_size, test_size, created_at FROM uploaded_datasets";

    private final JdbcClient jdbc;

    public DatasetRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records an accepted upload, its CSV either in {@code file} or, when that is null, in the row itself
     * ({@code content}, {@code size} bytes). A row of the same name whose shape is unknown (an upload from
     * before shapes were recorded whose file could not be read) is replaced.
     *
     * @return the version of the recorded upload
     * @throws ConflictException when another upload of that name was recorded meanwhile (through another node)
     */
    public Instant record(Dataset parsed, Path file, InputStreamSource content, String labelColumn, double testFraction, long size) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        jdbc.sql("DELETE FROM uploaded_datasets WHERE name = :n AND features IS NULL").param("n", parsed.name()).update();
        try {
            jdbc.sql("""
                    INSERT INTO uploaded_datasets (name, file_path, content, label_column, test_fraction, created_at, file_size,
                                                   features, classes, train_size, test_size)
                    VALUES (:n, :p, :c, :l, :t, :at, :s, :f, :k, :tr, :te)""")
                    .param("n", parsed.name()).param("p", file == null ? null : file.toString())
                    .param("c", content == null ? null : new SqlBinaryValue(content, size), Types.BINARY)
                    .param("l", labelColumn).param("t", testFraction).param("at", now).param("s", size)
                    .param("f", parsed.features()).param("k", parsed.classes()).param("tr", parsed.trainSize()).param("te", parsed.testSize())
                    .update();
        } catch (DuplicateKeyException e) {
            throw new ConflictException("a dataset called '" + parsed.name() + "' was uploaded meanwhile; choose another name or DELETE /datasets/"
                    + parsed.name() + " first");
        }
        return now.toInstant();
    }

    @Override
    public List<Upload> uploads() {
        return jdbc.sql(SHAPE + " WHERE features IS NOT NULL ORDER BY name").query(DatasetRepository::upload).list();
    }

    @Override
    public Optional<Upload> upload(String name) {
        return jdbc.sql(SHAPE + " WHERE name = :n AND features IS NOT NULL").param("n", name).query(DatasetRepository::upload).optional();
    }

    private static Upload upload(ResultSet rs, int row) throws SQLException {
        return new Upload(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getObject(6, OffsetDateTime.class).toInstant());
    }

    /** Parses the stored CSV, from the row or from the file it names; the decoding is the upload's strict UTF-8. */
    @Override
    public Dataset load(String name) {
        return jdbc.sql("SELECT content, file_path, label_column, test_fraction FROM uploaded_datasets WHERE name = :n").param("n", name)
                .query((rs, i) -> {
                    String path = rs.getString(2);
                    try (InputStream bytes = rs.getBinaryStream(1);
                         InputStream in = bytes != null ? bytes : Files.newInputStream(Path.of(path));
                         Reader csv = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder())) {
                        return CsvDataset.parse(name, csv, rs.getString(3), rs.getDouble(4), SPLIT_SEED);
                    } catch (IOException e) {
                        throw new DatasetException("uploaded dataset '" + name + "' cannot be read" + (path == null ? "" : " from " + path)
                                + ": " + e.getMessage() + "; DELETE /datasets/" + name + " and upload it again");
                    }
                }).optional().orElseThrow(() -> new DatasetException("uploaded dataset '" + name + "' was deleted"));
    }

    /** The file sizes of every upload but {@code name} (null for uploads recorded before sizes were). */
    public List<Long> sizesExcept(String name) {
        return jdbc.sql("SELECT file_size FROM uploaded_datasets WHERE name <> :n").param("n", name).query(Long.class).list();
    }

    /** The stored file of upload {@code name}: none when it is not recorded or its CSV is in the row. */
    public List<String> paths(String name) {
        return jdbc.sql("SELECT file_path FROM uploaded_datasets WHERE name = :n AND file_path IS NOT NULL").param("n", name)
                .query(String.class).list();
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
     * Records the shape of uploads stored before shapes were (their files are parsed once, here); one that
     * cannot be read is logged and left unlisted, and a new upload of its name replaces it. On a database
     * whose uploads all have shapes this is one query.
     */
    @PostConstruct
    public void recordMissingShapes() {
        List<String> names = jdbc.sql("SELECT name FROM uploaded_datasets WHERE features IS NULL").query(String.class).list();
        for (String n : names) {
            try {
                Dataset d = load(n);
                jdbc.sql("UPDATE uploaded_datasets SET features = :f, classes = :k, train_size = :tr, test_size = :te WHERE name = :n")
                        .param("f", d.features()).param("k", d.classes()).param("tr", d.trainSize()).param("te", d.testSize())
                        .param("n", n).update();
            } catch (DatasetException e) {
                log.warn("uploaded dataset {} could not be reloaded: {}", n, e.getMessage());
            }
        }
    }
}
