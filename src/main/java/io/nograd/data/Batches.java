package io.nograd.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.ClassTargets;
import io.nograd.nn.Task;

/**
 * The training batches of one epoch: the first {@code trainLimit} samples, shuffled by a generator seeded
 * from (seed, epoch) so every run of a spec sees the same order, cut into batches of {@code batchSize}
 * (the last one smaller when the count does not divide). Buffers are allocated once per batch size and
 * refilled, so iterating allocates nothing per batch beyond the batch's handle; the float64 inputs only for
 * solvers that ask for them whole ({@link Batch#x()}).
 */
public final class Batches implements Iterable<Batch> {

    private final Dataset data;
    private final Task task;
    private final ClassTargets targets;
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

    /** Batches with one-hot class targets. */
    public Batches(Dataset data, Task task, int batchSize, Integer trainLimit, long seed, boolean shuffle) {
        this(data, task, ClassTargets.ONE_HOT, batchSize, trainLimit, seed, shuffle);
    }

    /**
     * @param targets    the class targets' values (unused for an autoencoder)
     * @param trainLimit null or ≤ 0 for the whole training set
     * @param shuffle    false keeps a fixed partition (same batches every epoch, in order)
     */
    public Batches(Dataset data, Task task, ClassTargets targets, int batchSize, Integer trainLimit, long seed, boolean shuffle) {
        this.data = data;
        this.task = task;
        this.targets = targets;
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
                return new Batch(b.inputs, b.y, b.labels, size, index++, b.samples);
            }
        };
    }

    private Buffers buffers(int size) {
        if (size == batchSize) {
            if (full == null) full = new Buffers(targetRows(), size);
            return full;
        }
        if (tail == null || tail.labels.length != size) tail = new Buffers(targetRows(), size);
        return tail;
    }

    /** The batch's samples, labels and targets; the inputs wait for {@link Batch#x()}. */
    private void fill(Buffers b, int from, int size) {
        int[] labels = data.trainY();
        double[] y = b.y.data;
        int rows = targetRows();
        for (int j = 0; j < size; j++) {
            int s = order[from + j];
            b.samples[j] = s;
            b.labels[j] = labels[s];
            if (task == Task.CLASSIFICATION) {
                targets.fill(y, j * rows, rows, labels[s]);
            } else {
                data.widenTrain(b.samples, j, j + 1, y, j * rows);
            }
        }
    }

    /** The inputs of the batches of one size: the float64 copy, allocated and filled on demand. */
    final class Inputs {
        private final int size;
        private R064Store x;
        private Batch filledFor;

        Inputs(int size) {
            this.size = size;
        }

        R064Store all(Batch batch) {
            if (x == null) x = R064Store.FACTORY.make(data.features(), size);
            if (filledFor != batch) {
                data.widenTrain(batch.samples(), 0, size, x.data, 0);
                filledFor = batch;
            }
            return x;
        }

        void copy(Batch batch, float[] into) {
            data.copyTrain(batch.samples(), 0, size, into, 0);
        }
    }

    private final class Buffers {
        final Inputs inputs;
        final R064Store y;
        final int[] labels;
        final int[] samples;

        Buffers(int targetRows, int size) {
            inputs = new Inputs(size);
            y = R064Store.FACTORY.make(targetRows, size);
            labels = new int[size];
            samples = new int[size];
        }
    }
}
