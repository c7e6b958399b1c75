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
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.nograd.system.ConflictException;
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

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final DatasetRegistry registry;
    private final DatasetRepository uploads;
    private final Path dir;

    public DatasetController(DatasetRegistry registry, DatasetRepository uploads, NogradProperties props) {
        this.registry = registry;
        this.uploads = uploads;
        this.dir = props.dataDir().resolve("datasets");
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
                parsed = CsvDataset.parse(dataset, in, blankToNull(labelColumn), testFraction, DatasetRepository.SPLIT_SEED);
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
            uploads.insert(dataset, target, blankToNull(labelColumn), testFraction);
            registry.addUploaded(parsed);
        }
        return ResponseEntity.created(URI.create("/datasets/" + dataset)).body(registry.info(dataset).orElseThrow());
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
