package io.nograd.data;

/**
 * A loaded dataset, held once and shared read-only by every job that trains on it. Features are stored
 * sample-major in float32 (sample i occupies {@code [i·features, (i+1)·features)}), which is also the
 * column-major layout of a features × samples matrix, so a batch column is one contiguous copy.
 * Pixels are already scaled to [0, 1]; labels are class indices in [0, classes).
 */
public record Dataset(String name, int features, int classes,
                      float[] trainX, int[] trainY, float[] testX, int[] testY) {

    public Dataset {
        if (trainX.length != (long) trainY.length * features || testX.length != (long) testY.length * features) {
            throw new IllegalArgumentException("dataset " + name + ": feature arrays do not match the label counts");
        }
    }

    public int trainSize() { return trainY.length; }

    public int testSize() { return testY.length; }

    /** The split's features. */
    public float[] x(Split split) { return split == Split.TRAIN ? trainX : testX; }

    public int[] y(Split split) { return split == Split.TRAIN ? trainY : testY; }

    public int size(Split split) { return y(split).length; }

    /**
     * The training features of samples[from..to), widened to float64 into {@code into} from element {@code at}
     * as columns (features × (to − from), column-major): a batch read a few columns at a time, with no copy kept.
     */
    public void widenTrain(int[] samples, int from, int to, double[] into, int at) {
        for (int j = from; j < to; j++) {
            int src = samples[j] * features;
            int dst = at + (j - from) * features;
            for (int i = 0; i < features; i++) into[dst + i] = trainX[src + i];
        }
    }

    /** The same in float32, {@code into} as wide as the stored features: one array copy per sample. */
    public void copyTrain(int[] samples, int from, int to, float[] into, int at) {
        for (int j = from; j < to; j++) {
            System.arraycopy(trainX, samples[j] * features, into, at + (j - from) * features, features);
        }
    }

    /** Bytes held in memory (features and labels). */
    public long bytes() {
        return 4L * (trainX.length + testX.length + trainY.length + testY.length);
    }

    public enum Split { TRAIN, TEST }
}
