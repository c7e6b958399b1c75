package io.nograd.data;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.nograd.system.ConflictException;
import io.nograd.system.Durable;
import io.nograd.system.PayloadTooLargeException;
import io.nograd.system.NogradProperties;
import io.nograd.system.NotFoundException;
import io.nograd.system.ValidationException;

/**
 * {@code GET /datasets} lists built-in and uploaded datasets with their availability ({@code GET
 * /datasets/{name}} one of them); {@code POST
 * /datasets} takes a CSV (multipart {@code file}, optional {@code name}, {@code labelColumn},
 * {@code testFraction}). An upload is parsed whole before anything is kept (a bad row is a 400 naming
 * its line), then its file is stored under {@code {data-dir}/datasets/} and recorded in H2, so uploaded
 * datasets, and the queued jobs that use them, survive a restart.
 */
@RestController
public class DatasetController {

    private static final Logger log = LoggerFactory.getLogger(DatasetController.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Seed of the train/test split of uploads, fixed so a reload gives the same split. */
    private static final long SPLIT_SEED = 1;
    private static final int MAX_LABEL_COLUMN = 200;

    private final DatasetRegistry registry;
    private final JdbcClient jdbc;
    private final Path dir;
    private final int maxUploads;
    private final long maxUploadBytes;

    public DatasetController(DatasetRegistry registry, JdbcClient jdbc, NogradProperties props) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.dir = props.dataDir().resolve("datasets");
        this.maxUploads = props.datasets().maxUploads();
        this.maxUploadBytes = props.datasets().maxUploadBytes().toBytes();
    }

    @GetMapping("/datasets")
    public List<DatasetInfo> list() {
        return registry.list();
    }

    @GetMapping("/datasets/{name}")
    public DatasetInfo get(@PathVariable String name) {
        return registry.info(name).orElseThrow(() -> new NotFoundException("no dataset called '" + name + "'; known: "
                + registry.list().stream().map(DatasetInfo::name).toList()));
    }

    @PostMapping("/datasets")
    public ResponseEntity<DatasetInfo> upload(@RequestPart("file") MultipartFile file,
                                              @RequestParam(required = false) String name,
                                              @RequestParam(required = false) String labelColumn,
                                              @RequestParam(defaultValue = "0.2") double testFraction) {
        if (file.isEmpty()) throw new ValidationException("file", "the uploaded file is empty; send a CSV with a header row");
        String dataset = name == null || name.isBlank() ? stem(file.getOriginalFilename()) : name.trim();
        if (!NAME.matcher(dataset).matches()) {
            throw new ValidationException("name", "'" + printable(dataset) + "' is not a valid dataset name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (!(testFraction >= 0 && testFraction <= 0.9)) {
            throw new ValidationException("testFraction", "must be in [0, 0.9], got " + testFraction);
        }
        if (labelColumn != null && labelColumn.length() > MAX_LABEL_COLUMN) {
            throw new ValidationException("labelColumn", "is " + labelColumn.length() + " characters; a header name of at most " + MAX_LABEL_COLUMN);
        }
        synchronized (this) {
            if (registry.isBuiltIn(dataset) || registry.info(dataset).isPresent()) {
                throw new ConflictException("a dataset called '" + dataset + "' exists already; choose another name or DELETE /datasets/" + dataset + " first");
            }
            List<Long> sizes = jdbc.sql("SELECT file_size FROM uploaded_datasets WHERE name <> :n").param("n", dataset).query(Long.class).list();
            if (sizes.size() >= maxUploads) {
                throw new ConflictException(sizes.size() + " datasets are uploaded, the most this server keeps (nograd.datasets.max-uploads); DELETE /datasets/{name} one first");
            }
            long used = sizes.stream().mapToLong(l -> l == null ? 0 : l).sum();
            if (used + file.getSize() > maxUploadBytes) {
                throw new PayloadTooLargeException("file", "the uploads would take " + (used + file.getSize()) + " bytes, more than the "
                        + maxUploadBytes + " this server keeps (nograd.datasets.max-upload-bytes); DELETE /datasets/{name} one first");
            }
            Dataset parsed;
            try (Reader in = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8.newDecoder())) {
                parsed = CsvDataset.parse(dataset, in, blankToNull(labelColumn), testFraction, SPLIT_SEED);
            } catch (CharacterCodingException e) {
                throw new ValidationException("file", "the CSV is not valid UTF-8; save it as UTF-8 and upload it again");
            } catch (IOException e) {
                throw new ValidationException("file", "the upload could not be read: " + e.getMessage());
            }
            if (parsed.testSize() == 0) {
                throw new ValidationException("testFraction", "leaves no test rows for " + (parsed.trainSize()) + " rows; raise it");
            }
            Path target = dir.resolve(dataset + ".csv");
            Path tmp = dir.resolve(dataset + ".csv.tmp");
            try {
                Files.createDirectories(dir);
                try (var in = file.getInputStream(); FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    in.transferTo(java.nio.channels.Channels.newOutputStream(out));
                    out.force(true);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Durable.syncDirectory(dir);
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw Durable.storageFailure("the upload could not be stored at " + target, e);
            }
            // MERGE: a name whose file failed to reload at start is still recorded; its re-upload replaces it.
            jdbc.sql("MERGE INTO uploaded_datasets (name, file_path, label_column, test_fraction, created_at, file_size) KEY (name) VALUES (:n, :p, :l, :t, :c, :s)")
                    .param("n", dataset).param("p", target.toString()).param("l", blankToNull(labelColumn)).param("t", testFraction)
                    .param("c", OffsetDateTime.now(ZoneOffset.UTC)).param("s", file.getSize()).update();
            registry.addUploaded(parsed);
        }
        return ResponseEntity.created(URI.create("/datasets/" + dataset)).body(registry.info(dataset).orElseThrow());
    }

    /**
     * Removes an uploaded dataset, its file and its record. Built-in datasets cannot be deleted; nor can an
     * upload a queued or running job still needs (409 until those jobs end). Jobs that ended keep their rows.
     */
    @DeleteMapping("/datasets/{name}")
    public synchronized ResponseEntity<Void> delete(@PathVariable String name) {
        if (registry.isBuiltIn(name)) throw new ConflictException("'" + name + "' is a built-in dataset; only uploads can be deleted");
        List<String> paths = jdbc.sql("SELECT file_path FROM uploaded_datasets WHERE name = :n").param("n", name).query(String.class).list();
        if (paths.isEmpty() && registry.info(name).isEmpty()) throw new NotFoundException("no uploaded dataset called '" + name + "'");
        long active = jdbc.sql("SELECT COUNT(*) FROM jobs WHERE dataset = :n AND status IN ('QUEUED', 'RUNNING')").param("n", name)
                .query(Long.class).single();
        if (active > 0) {
            throw new ConflictException(active + " queued or running job(s) use '" + name + "'; cancel them or let them end, then delete it");
        }
        jdbc.sql("DELETE FROM uploaded_datasets WHERE name = :n").param("n", name).update();
        registry.removeUploaded(name);
        for (String p : paths) deleteQuietly(Path.of(p));
        return ResponseEntity.noContent().build();
    }

    /**
     * Reloads the uploads recorded in H2 as this controller starts: before the job recovery (which may need
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

    /** The file name without directories or extension, as given (not as a path: it may hold '/', NUL or '..'). */
    static String stem(String filename) {
        if (filename == null || filename.isBlank()) return "upload";
        String base = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        return stem.isEmpty() ? "upload" : stem;
    }

    /** For messages: control characters shown as '?', at most 80 characters. */
    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 80 ? p.substring(0, 80) + "…" : p;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", p, e.getMessage());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
