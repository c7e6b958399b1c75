package io.nograd.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Task;

/**
 * The training batches of one epoch: the first {@code trainLimit} samples, shuffled by a generator seeded
 * from (seed, epoch) so every run of a spec sees the same order, cut into batches of {@code batchSize}
 * (the last one smaller when the count does not divide). Buffers are allocated once per batch size and
 * refilled, so iterating allocates nothing per batch.
 */
public final class Batches implements Iterable<Batch> {

    private final Dataset data;
    private final Task task;
    private final int batchSize;
    private final int count;
    private final long seed;
    private final boolean shuffle;
    private final int[] order;
    private int epoch;
    private int epochs;
    private int served;
    private Buffers full;
    private Buffers tail;

    /**
     * @param trainLimit null or ≤ 0 for the whole training set
     * @param shuffle    false keeps a fixed partition (same batches every epoch, in order)
     */
    public Batches(Dataset data, Task task, int batchSize, Integer trainLimit, long seed, boolean shuffle) {
        this.data = data;
        this.task = task;
        this.count = trainLimit == null || trainLimit <= 0 ? data.trainSize() : Math.min(trainLimit, data.trainSize());
        this.batchSize = Math.min(batchSize, count);
        this.seed = seed;
        this.shuffle = shuffle;
        this.order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
    }

    /** Moves to epoch {@code epoch} (1-based) of {@code epochs}, reshuffling when shuffling. */
    public Batches epoch(int epoch, int epochs) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.served = 0;
        if (shuffle) {
            for (int i = 0; i < count; i++) order[i] = i;
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + epoch);
            for (int i = count - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
        }
        return this;
    }

    public int epoch() { return epoch; }

    public int epochs() { return epochs; }

    public int batchSize() { return batchSize; }

    /** Training samples used per epoch. */
    public int samples() { return count; }

    public int batchCount() { return (count + batchSize - 1) / batchSize; }

    /** Batches handed out since the last {@link #epoch}: how far an epoch got (the conformance suite checks cancel with it). */
    public int served() { return served; }

    public Dataset dataset() { return data; }

    public Task task() { return task; }

    /** Rows of a target column: classes, or features for an autoencoder. */
    public int targetRows() { return task == Task.AUTOENCODER ? data.features() : data.classes(); }

    @Override
    public Iterator<Batch> iterator() {
        return new Iterator<>() {
            private int next;
            private int index;

            @Override public boolean hasNext() { return next < count; }

            @Override
            public Batch next() {
                if (next >= count) throw new NoSuchElementException();
                int size = Math.min(batchSize, count - next);
                Buffers b = buffers(size);
                fill(b, next, size);
                next += size;
                served++;
                return new Batch(b.x, b.y, b.labels, size, index++, b.samples);
            }
        };
    }

    private Buffers buffers(int size) {
        if (size == batchSize) {
            if (full == null) full = new Buffers(data.features(), targetRows(), size);
            return full;
        }
        if (tail == null || tail.labels.length != size) tail = new Buffers(data.features(), targetRows(), size);
        return tail;
    }

    private void fill(Buffers b, int from, int size) {
        int f = data.features();
        float[] src = data.trainX();
        int[] labels = data.trainY();
        double[] x = b.x.data;
        double[] y = b.y.data;
        int rows = targetRows();
        if (task == Task.CLASSIFICATION) java.util.Arrays.fill(y, 0);
        for (int j = 0; j < size; j++) {
            int s = order[from + j];
            b.samples[j] = s;
            int so = s * f;
            int xo = j * f;
            for (int i = 0; i < f; i++) x[xo + i] = src[so + i];
            b.labels[j] = labels[s];
            if (task == Task.CLASSIFICATION) {
                y[j * rows + labels[s]] = 1;
            } else {
                System.arraycopy(x, xo, y, j * rows, f);
            }
        }
    }

    private static final class Buffers {
        final R064Store x;
        final R064Store y;
        final int[] labels;
        final int[] samples;

        Buffers(int features, int targetRows, int size) {
            x = R064Store.FACTORY.make(features, size);
            y = R064Store.FACTORY.make(targetRows, size);
            labels = new int[size];
            samples = new int[size];
        }
    }
}
