package io.nograd.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
import io.nograd.system.NogradProperties;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The weight files of each job under {@code {data-dir}/artifacts/{jobId}/}. After every epoch the network
 * is written to {@code checkpoint.safetensors} (float64, so a resumed run continues from exactly these
 * weights) through a temporary file, forced to disk and renamed over the old one: a crash leaves the old
 * checkpoint or the new one, never half a file. The checkpoint also carries every epoch row so far in its
 * metadata, which makes it the source of truth on restart: it is written before the epoch's row goes to
 * H2, and a restart restores any row H2 lacks from it. The last checkpoint is the job's final weights.
 * <p>
 * In cluster mode the same bytes go to the shared database instead ({@link DatabaseCheckpoints}), fenced by
 * the writing attempt, so any node can resume the job or serve its weights.
 */
@Component
public class WeightsStore implements CheckpointStore {

    static final String CHECKPOINT = "checkpoint.safetensors";
    private static final TypeReference<List<EpochMetrics>> ROWS = new TypeReference<>() { };

    private final Path root;
    private final JsonMapper json;
    /** The shared database's checkpoints in cluster mode, else null (files under {@code root}). */
    private final DatabaseCheckpoints shared;

    public WeightsStore(NogradProperties props, JsonMapper json, ObjectProvider<DatabaseCheckpoints> shared) {
        this.root = props.dataDir().resolve("artifacts");
        this.json = json;
        this.shared = shared.getIfAvailable();
    }

    @Override
    public WeightsFile writeCheckpoint(String jobId, int attempt, JobSpec spec, Network net, Activation output, List<EpochMetrics> rows) {
        int epoch = rows.get(rows.size() - 1).epoch();
        Map<String, String> meta = metadata(jobId, spec, net, output, epoch);
        meta.put("rows", json.writeValueAsString(rows));
        byte[] bytes = Safetensors.write(Tensors.of(net), true, meta, json);
        if (shared != null) {
            shared.write(jobId, attempt, epoch, bytes);
            return new WeightsFile(DatabaseCheckpoints.location(jobId), bytes.length, sha256(bytes), epoch);
        }
        Path dir = root.resolve(jobId);
        Path target = dir.resolve(CHECKPOINT);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(CHECKPOINT + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of job " + jobId + " to " + target, e);
        }
        return new WeightsFile(target.toString(), bytes.length, sha256(bytes), epoch);
    }

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
            if (!Files.isRegularFile(file)) return Optional.empty();
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        Safetensors.Parsed parsed = Safetensors.read(bytes, json);
        Map<String, String> meta = parsed.metadata();
        int[] sizes = spec.layers().stream().mapToInt(Integer::intValue).toArray();
        Activation hidden = Activation.of(spec.activation(), spec.activationParams());
        Activation output = Activation.of(meta.getOrDefault("outputActivation", "identity"), spec.activationParams());
        Network net = new Network(sizes, hidden, output);
        for (int l = 0; l < net.depth(); l++) {
            double[] w = parsed.tensors().get(Tensors.weightName(l));
            double[] b = parsed.tensors().get(Tensors.biasName(l));
            if (w == null || b == null || !Arrays.equals(parsed.shapes().get(Tensors.weightName(l)), new int[] {sizes[l + 1], sizes[l]})) {
                throw new IllegalStateException(source + " does not hold layer " + l + " of a " + spec.layers() + " network");
            }
            Tensors.setWeight(net, l, w);
            System.arraycopy(b, 0, net.bias(l).data, 0, b.length);
        }
        int epoch = Integer.parseInt(meta.get("epoch"));
        List<EpochMetrics> rows = json.readValue(meta.get("rows"), ROWS);
        return Optional.of(new Checkpoint(net, epoch, rows, new WeightsFile(source, bytes.length, sha256(bytes), epoch)));
    }

    @Override
    public void delete(String jobId) {
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
