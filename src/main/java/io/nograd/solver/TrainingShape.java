package io.nograd.solver;

import java.util.function.IntToLongFunction;

import io.nograd.nn.Activation;
import io.nograd.nn.Loss;
import io.nograd.nn.Task;

/**
 * The validated shape of a job, handed to a solver factory: what it needs to check extra constraints
 * (memory, supported combinations) and to build its solver.
 *
 * @param layers       unit counts, input first
 * @param trainSamples training samples per epoch (after trainLimit)
 * @param threads      cores this job may use (the executor's share)
 */
public record TrainingShape(int[] layers, Activation activation, Loss loss, Task task, int batchSize,
                            int trainSamples, int epochs, long seed, int threads) {

    public int depth() { return layers.length - 1; }

    /** Columns of the last batch of an epoch when it is shorter than {@link #batchSize}, else 0. */
    public int tailBatch() {
        return batchSize <= 0 ? 0 : trainSamples % batchSize;
    }

    /**
     * {@code bytes(batchSize)}, plus {@code bytes(tail)} when the last batch is shorter: a solver keeps its
     * buffers for both sizes ({@link BatchBuffers}).
     */
    public long perBatchSize(IntToLongFunction bytes) {
        return bytes.applyAsLong(batchSize) + (tailBatch() > 0 ? bytes.applyAsLong(tailBatch()) : 0);
    }

    /** Units of every layer but the input: the rows of a lifted method's per-layer variables. */
    public long liftedUnits() {
        long units = 0;
        for (int l = 1; l < layers.length; l++) units += layers[l];
        return units;
    }

    /** Weights and biases of the network, float64, held four times (network, checkpoint, solver copies). */
    public long weightBytes() {
        long params = 0;
        for (int l = 1; l < layers.length; l++) params += (long) layers[l] * (layers[l - 1] + 1);
        return 8L * 4 * params;
    }
}
