package io.nograd.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.CheckpointStore;
import io.nograd.jobs.JobRepository.WeightsFile;
import io.nograd.jobs.JobSpec;
import io.nograd.nn.Activation;
import io.nograd.nn.Network;
import io.nograd.system.Durable;
import io.nograd.system.NogradProperties;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The weight files of each job under {@code {data-dir}/artifacts/{jobId}/}. After every epoch the network
 * is written to {@code checkpoint.safetensors} (float64, so a resumed run continues from exactly these
 * weights) through a temporary file, forced to disk, renamed over the old one, and the directory forced:
 * a crash leaves the old checkpoint or the new one, never half a file. The checkpoint also carries its
 * epoch's row in its metadata (only that one, so a long job's writes do not grow with its epochs): it is
 * written before the row goes to H2, so a restart restores that row if H2 lacks it. The last checkpoint is the job's final weights.
 * <p>
 * In cluster mode the same bytes go to the shared database instead ({@link DatabaseCheckpoints}), fenced by
 * the writing attempt, so any node can resume the job or serve its weights.
 */
@Component
public class WeightsStore implements CheckpointStore {

    static final String CHECKPOINT = "checkpoint.safetensors";
    /** solver-state-{epoch}.bin */
    static final String STATE = "solver-state-";
    private static final TypeReference<List<EpochMetrics>> ROWS = new TypeReference<>() { };

    private final Path root;
    private final JsonMapper json;
    /** Loaded checkpoints of recently read jobs, least recently used first; see {@link #cachedCheckpoint}. */
    private final Map<String, Cached> cache = java.util.Collections.synchronizedMap(new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > 4;
        }
    });

    /** The shared database's checkpoints in cluster mode, else null (files under {@code root}). */
    private final DatabaseCheckpoints shared;

    public WeightsStore(NogradProperties props, JsonMapper json, ObjectProvider<DatabaseCheckpoints> shared) {
        this.root = props.dataDir().resolve("artifacts");
        this.json = json;
        this.shared = shared.getIfAvailable();
    }

    /**
     * Writes the checkpoint of epoch {@code row.epoch()} atomically and durably (file forced, renamed,
     * directory forced); returns what the database records of it. On failure the temporary file is removed.
     */
    @Override
    public WeightsFile writeCheckpoint(String jobId, int attempt, JobSpec spec, Network net, Activation output, EpochMetrics row) {
        int epoch = row.epoch();
        Map<String, String> meta = metadata(jobId, spec, net, output, epoch);
        meta.put("row", json.writeValueAsString(row));
        byte[] bytes = Safetensors.write(Tensors.of(net), true, meta, json);
        if (shared != null) {
            shared.write(jobId, attempt, epoch, bytes);
            return new WeightsFile(DatabaseCheckpoints.location(jobId), bytes.length, sha256(bytes), epoch);
        }
        Path dir = root.resolve(jobId);
        Path target = dir.resolve(CHECKPOINT);
        Path tmp = dir.resolve(CHECKPOINT + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durable.syncDirectory(dir);
            dropStatesBefore(dir, epoch);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failed already; the next checkpoint truncates the same temporary file
            }
            throw Durable.storageFailure("cannot write the checkpoint of job " + jobId + " to " + target, e);
        }
        cache.remove(jobId);
        return new WeightsFile(target.toString(), bytes.length, sha256(bytes), epoch);
    }

    /**
     * The solver's state goes to {@code solver-state-{epoch}.bin} beside the checkpoint, through a temporary file
     * forced and renamed like the checkpoint, before the checkpoint of the same epoch; the checkpoint's write then
     * removes older states. So a crash between the two writes leaves the previous epoch's checkpoint with its own
     * state still there. In cluster mode the state goes to the shared database instead, up to
     * {@link DatabaseCheckpoints#MAX_STATE_BYTES}: a solver's kept variables can be gigabytes.
     */
    @Override
    public boolean writeState(String jobId, int attempt, int epoch, long bytes, StateWriter state) {
        if (shared != null) {
            if (bytes > DatabaseCheckpoints.MAX_STATE_BYTES) return false;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) bytes + 4096);
            try {
                state.write(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shared.writeState(jobId, attempt, epoch, out.toByteArray());
            return true;
        }
        Path dir = root.resolve(jobId);
        Path target = stateFile(jobId, epoch);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
                state.write(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durable.syncDirectory(dir);
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failed already; nothing refers to the temporary file
            }
            throw Durable.storageFailure("cannot write the solver state of job " + jobId + " to " + target, e);
        }
    }

    @Override
    public Optional<java.io.InputStream> openState(String jobId, int epoch) {
        if (shared != null) return Optional.ofNullable(shared.readState(jobId, epoch)).map(java.io.ByteArrayInputStream::new);
        try {
            return Optional.of(new java.io.BufferedInputStream(Files.newInputStream(stateFile(jobId, epoch)), 1 << 16));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path stateFile(String jobId, int epoch) {
        return root.resolve(jobId).resolve(STATE + epoch + ".bin");
    }

    @Override
    public void deleteStates(String jobId, int attempt) {
        if (shared != null) {
            shared.deleteStates(jobId, attempt);
            return;
        }
        Path dir = root.resolve(jobId);
        if (!Files.isDirectory(dir)) return;
        try {
            dropStatesBefore(dir, Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the solver states of job " + jobId, e);
        }
    }

    /** Removes the solver states of epochs before {@code epoch}, once its checkpoint is durable. */
    private void dropStatesBefore(Path dir, int epoch) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.startsWith(STATE) || !name.endsWith(".bin")) continue;
                String number = name.substring(STATE.length(), name.length() - ".bin".length());
                if (number.chars().allMatch(Character::isDigit) && !number.isEmpty() && Integer.parseInt(number) < epoch) Files.deleteIfExists(f);
            }
        }
    }

    /**
     * The job's last checkpoint, loaded into a network of the spec's shape, or empty when it has none (or
     * its files were just deleted).
     *
     * @throws CorruptCheckpointException when the file is there but cannot be read as this job's weights
     */
    @Override
    public Optional<Checkpoint> readCheckpoint(String jobId, JobSpec spec) {
        Path file = root.resolve(jobId).resolve(CHECKPOINT);
        byte[] bytes;
        String source = file.toString();
        if (shared != null) {
            bytes = shared.read(jobId);
            if (bytes == null) return Optional.empty();
            source = DatabaseCheckpoints.location(jobId);
        } else {
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        try {
            return Optional.of(parse(source, bytes, spec));
        } catch (RuntimeException e) {
            throw new CorruptCheckpointException("the checkpoint of job " + jobId + " cannot be read (" + e.getMessage()
                    + "); its weights are lost; run the job again", e);
        }
    }

    /**
     * The checkpoint as {@link #readCheckpoint} gives it, kept in memory while the file is unchanged (same
     * size and modification time), for the weights and predict endpoints: repeated calls on one job's epoch
     * parse its file once. Networks over a sixteenth of the heap are not kept.
     */
    public Optional<Checkpoint> cachedCheckpoint(String jobId, JobSpec spec) {
        if (shared != null) return readCheckpoint(jobId, spec);
        Path file = root.resolve(jobId).resolve(CHECKPOINT);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return Optional.empty();
        }
        Cached hit = cache.get(jobId);
        if (hit != null && hit.size == attrs.size() && hit.modified == attrs.lastModifiedTime().toMillis()) return Optional.of(hit.checkpoint);
        Optional<Checkpoint> cp = readCheckpoint(jobId, spec);
        if (cp.isPresent() && attrs.size() * 2 < Runtime.getRuntime().maxMemory() / 16) {
            cache.put(jobId, new Cached(attrs.size(), attrs.lastModifiedTime().toMillis(), cp.get()));
        }
        return cp;
    }

    private record Cached(long size, long modified, Checkpoint checkpoint) {
    }

    private Checkpoint parse(String file, byte[] bytes, JobSpec spec) {
        Safetensors.Parsed parsed = Safetensors.read(bytes, json);
        Map<String, String> meta = parsed.metadata();
        int[] sizes = spec.layers().stream().mapToInt(Integer::intValue).toArray();
        Activation hidden = Activation.of(spec.activation(), spec.activationParams());
        Activation output = Activation.of(meta.getOrDefault("outputActivation", "identity"), spec.activationParams());
        Network net = new Network(sizes, hidden, output);
        for (int l = 0; l < net.depth(); l++) {
            double[] w = parsed.tensors().get(Tensors.weightName(l));
            double[] b = parsed.tensors().get(Tensors.biasName(l));
            if (w == null || b == null || !Arrays.equals(parsed.shapes().get(Tensors.weightName(l)), new int[] {sizes[l + 1], sizes[l]})
                    || b.length != sizes[l + 1]) {
                throw new IllegalStateException(file + " does not hold layer " + l + " of a " + spec.layers() + " network");
            }
            Tensors.setWeight(net, l, w);
            System.arraycopy(b, 0, net.bias(l).data, 0, b.length);
        }
        int epoch = Integer.parseInt(meta.get("epoch"));
        // Checkpoints carry their own epoch's row; those written before that carried every row so far.
        List<EpochMetrics> rows = meta.containsKey("row") ? List.of(json.readValue(meta.get("row"), EpochMetrics.class))
                : meta.containsKey("rows") ? json.readValue(meta.get("rows"), ROWS) : List.of();
        return new Checkpoint(net, epoch, rows, new WeightsFile(file, bytes.length, sha256(bytes), epoch));
    }

    /** A checkpoint file that exists but does not hold this job's weights. */
    public static final class CorruptCheckpointException extends RuntimeException {
        CorruptCheckpointException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public void delete(String jobId) {
        cache.remove(jobId);
        if (shared != null) shared.delete(jobId);
        Path dir = root.resolve(jobId);
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** The string metadata every weights file carries (safetensors {@code __metadata__}). */
    static Map<String, String> metadata(String jobId, JobSpec spec, Network net, Activation output, int epoch) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("jobId", jobId);
        meta.put("algorithm", spec.algorithm());
        meta.put("dataset", spec.dataset());
        meta.put("task", spec.task());
        meta.put("layers", Arrays.toString(net.sizes()));
        meta.put("activation", spec.activation());
        meta.put("outputActivation", output.name());
        meta.put("loss", spec.loss());
        meta.put("epoch", Integer.toString(epoch));
        meta.put("layout", "layers.{2l} = nn.Linear of layer l in an nn.Sequential with the activation modules between them");
        return meta;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
