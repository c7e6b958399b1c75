package io.nograd.data;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.nograd.system.ConflictException;
import io.nograd.system.NogradProperties;
import io.nograd.system.ValidationException;

/**
 * {@code GET /datasets} lists built-in and uploaded datasets with their availability; {@code POST
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

    private final DatasetRegistry registry;
    private final JdbcClient jdbc;
    private final Path dir;

    public DatasetController(DatasetRegistry registry, JdbcClient jdbc, NogradProperties props) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.dir = props.dataDir().resolve("datasets");
    }

    @GetMapping("/datasets")
    public List<DatasetInfo> list() {
        return registry.list();
    }

    @PostMapping("/datasets")
    public ResponseEntity<DatasetInfo> upload(@RequestPart("file") MultipartFile file,
                                              @RequestParam(required = false) String name,
                                              @RequestParam(required = false) String labelColumn,
                                              @RequestParam(defaultValue = "0.2") double testFraction) {
        if (file.isEmpty()) throw new ValidationException("file", "the uploaded file is empty; send a CSV with a header row");
        String dataset = name == null || name.isBlank() ? stem(file.getOriginalFilename()) : name.trim();
        if (!NAME.matcher(dataset).matches()) {
            throw new ValidationException("name", "'" + dataset + "' is not a valid dataset name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (!(testFraction >= 0 && testFraction <= 0.9)) {
            throw new ValidationException("testFraction", "must be in [0, 0.9], got " + testFraction);
        }
        synchronized (this) {
            if (registry.isBuiltIn(dataset) || registry.info(dataset).isPresent()) {
                throw new ConflictException("a dataset called '" + dataset + "' exists already; choose another name");
            }
            Dataset parsed;
            try (Reader in = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
                parsed = CsvDataset.parse(dataset, in, blankToNull(labelColumn), testFraction, SPLIT_SEED);
            } catch (IOException e) {
                throw new ValidationException("file", "the upload could not be read: " + e.getMessage());
            }
            if (parsed.testSize() == 0) {
                throw new ValidationException("testFraction", "leaves no test rows for " + (parsed.trainSize()) + " rows; raise it");
            }
            Path target = dir.resolve(dataset + ".csv");
            try {
                Files.createDirectories(dir);
                Path tmp = dir.resolve(dataset + ".csv.tmp");
                try (var in = file.getInputStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store the upload at " + target, e);
            }
            jdbc.sql("INSERT INTO uploaded_datasets (name, file_path, label_column, test_fraction, created_at) VALUES (:n, :p, :l, :t, :c)")
                    .param("n", dataset).param("p", target.toString()).param("l", blankToNull(labelColumn)).param("t", testFraction)
                    .param("c", OffsetDateTime.now(ZoneOffset.UTC)).update();
            registry.addUploaded(parsed);
        }
        return ResponseEntity.created(URI.create("/datasets/" + dataset)).body(registry.info(dataset).orElseThrow());
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

    private static String stem(String filename) {
        if (filename == null || filename.isBlank()) return "upload";
        String base = Path.of(filename).getFileName().toString();
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
