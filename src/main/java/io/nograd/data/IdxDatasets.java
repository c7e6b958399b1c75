package io.nograd.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a {@link Dataset} from the four IDX files of an MNIST-style directory. */
final class IdxDatasets {

    private IdxDatasets() {
    }

    /** The path of {@code base} in dir, raw or with a {@code .gz} suffix, or null when neither exists. */
    static Path find(Path dir, String base) {
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(base + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    static Dataset load(String name, Path dir, int classes) {
        float[][] x = new float[2][];
        int[][] y = new int[2][];
        int features = -1;
        String[] prefixes = {"train", "t10k"};
        for (int s = 0; s < 2; s++) {
            Path imagesFile = require(dir, prefixes[s] + "-images-idx3-ubyte");
            Path labelsFile = require(dir, prefixes[s] + "-labels-idx1-ubyte");
            IdxReader.Idx images = IdxReader.read(imagesFile);
            IdxReader.Idx labels = IdxReader.read(labelsFile);
            if (images.dims().length != 3) throw new DatasetException(imagesFile + ": expected a rank-3 image file, found rank " + images.dims().length);
            if (labels.dims().length != 1) throw new DatasetException(labelsFile + ": expected a rank-1 label file, found rank " + labels.dims().length);
            if (images.count() != labels.count()) {
                throw new DatasetException(labelsFile + ": holds " + labels.count() + " labels for " + images.count() + " images in " + imagesFile);
            }
            int f = images.itemSize();
            if (features >= 0 && f != features) throw new DatasetException(imagesFile + ": images have " + f + " pixels, the training images " + features);
            features = f;
            byte[] px = images.data();
            float[] xs = new float[px.length];
            for (int i = 0; i < px.length; i++) xs[i] = (px[i] & 0xff) / 255f;
            byte[] lb = labels.data();
            int[] ys = new int[lb.length];
            for (int i = 0; i < lb.length; i++) {
                ys[i] = lb[i] & 0xff;
                if (ys[i] >= classes) throw new DatasetException(labelsFile + ": label " + ys[i] + " at item " + i + " is not below " + classes);
            }
            x[s] = xs;
            y[s] = ys;
        }
        return new Dataset(name, features, classes, x[0], y[0], x[1], y[1]);
    }

    private static Path require(Path dir, String base) {
        Path p = find(dir, base);
        if (p == null) throw new DatasetException(dir.resolve(base) + ": file not found (nor " + base + ".gz)");
        return p;
    }
}
