package io.nograd.solver;

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
}
