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
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
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
 * its line), then its file is stored under {@code {data-dir}/datasets/} and recorded in the database, so
 * uploaded datasets, and the queued jobs that use them, survive a restart. In cluster mode the CSV is stored
 * in the shared database instead, and any node can train on it.
 */
@RestController
public class DatasetController {

    private static final Logger log = LoggerFactory.getLogger(DatasetController.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_LABEL_COLUMN = 200;

    private final DatasetRegistry registry;
    private final DatasetRepository uploads;
    private final Path dir;
    private final int maxUploads;
    private final long maxUploadBytes;
    /** Cluster mode: the CSV goes into the shared database, not onto this node's disk, so every node can load it. */
    private final boolean shared;

    public DatasetController(DatasetRegistry registry, DatasetRepository uploads, NogradProperties props,
                             @Value("${nograd.cluster.enabled:false}") boolean shared) {
        this.registry = registry;
        this.shared = shared;
        this.uploads = uploads;
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
            List<Long> sizes = uploads.sizesExcept(dataset);
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
                parsed = CsvDataset.parse(dataset, in, blankToNull(labelColumn), testFraction, DatasetRepository.SPLIT_SEED);
            } catch (CharacterCodingException e) {
                throw new ValidationException("file", "the CSV is not valid UTF-8; save it as UTF-8 and upload it again");
            } catch (IOException e) {
                throw new ValidationException("file", "the upload could not be read: " + e.getMessage());
            }
            if (parsed.testSize() == 0) {
                throw new ValidationException("testFraction", "leaves no test rows for " + (parsed.trainSize()) + " rows; raise it");
            }
            Instant version;
            if (shared) {
                version = uploads.record(parsed, null, file, blankToNull(labelColumn), testFraction, file.getSize());
            } else {
                Path target = store(file, dataset);
                version = uploads.record(parsed, target, null, blankToNull(labelColumn), testFraction, file.getSize());
            }
            registry.addUploaded(parsed, version);
        }
        return ResponseEntity.created(URI.create("/datasets/" + dataset)).body(registry.info(dataset).orElseThrow());
    }

    /** Writes the upload to {@code {data-dir}/datasets/{name}.csv}, forced to disk before it is renamed into place. */
    private Path store(MultipartFile file, String dataset) {
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
            return target;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw Durable.storageFailure("the upload could not be stored at " + target, e);
        }
    }

    /**
     * Removes an uploaded dataset, its file and its record. Built-in datasets cannot be deleted; nor can an
     * upload a queued or running job still needs (409 until those jobs end). Jobs that ended keep their rows.
     */
    @DeleteMapping("/datasets/{name}")
    public synchronized ResponseEntity<Void> delete(@PathVariable String name) {
        if (registry.isBuiltIn(name)) throw new ConflictException("'" + name + "' is a built-in dataset; only uploads can be deleted");
        List<String> paths = uploads.paths(name);
        if (paths.isEmpty() && registry.info(name).isEmpty()) throw new NotFoundException("no uploaded dataset called '" + name + "'");
        long active = uploads.activeJobs(name);
        if (active > 0) {
            throw new ConflictException(active + " queued or running job(s) use '" + name + "'; cancel them or let them end, then delete it");
        }
        uploads.delete(name);
        registry.removeUploaded(name);
        for (String p : paths) deleteQuietly(Path.of(p));
        return ResponseEntity.noContent().build();
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
