package io.nograd.jobs;

import org.ojalgo.matrix.store.R064Store;

import io.nograd.data.Dataset;
import io.nograd.nn.ClassTargets;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Task;
import io.nograd.solver.BatchBuffers;

/**
 * Loss and accuracy of a network over a whole split, by a plain forward pass in chunks of preallocated
 * columns (never a solver's auxiliary variables). Loss is the mean per sample of the job's loss against the
 * {@link ClassTargets} the network trained towards; for an autoencoder it is the mean ½‖reconstruction − input‖² and
 * accuracy is NaN.
 */
public final class Evaluator {

    public record Evaluation(double loss, double accuracy) {
    }

    private final int chunk;
    private final Task task;
    private final Loss loss;
    private final BatchBuffers<Chunk> buffers;

    /** A chunk's forward pass, its input columns and its target columns. */
    private record Chunk(ForwardPass pass, R064Store x, R064Store y) {
    }

    public Evaluator(Task task, Loss loss, int chunk) {
        this.task = task;
        this.loss = loss;
        this.chunk = chunk;
        this.buffers = new BatchBuffers<>(chunk);
    }

    public Evaluation evaluate(Network net, Dataset data, Dataset.Split split, int limit) {
        float[] src = data.x(split);
        int[] labels = data.y(split);
        int n = limit > 0 ? Math.min(limit, labels.length) : labels.length;
        int f = data.features();
        int targetRows = task == Task.AUTOENCODER ? f : data.classes();
        ClassTargets targets = ClassTargets.of(loss, net.outputActivation());
        double total = 0;
        long correct = 0;
        for (int from = 0; from < n; from += chunk) {
            int size = Math.min(chunk, n - from);
            Chunk c = buffers.get(size, m -> new Chunk(new ForwardPass(net.sizes(), m), Ops.make(f, m), Ops.make(targetRows, m)));
            R064Store xs = c.x();
            R064Store ys = c.y();
            double[] xd = xs.data;
            for (int i = 0, o = from * f; i < size * f; i++) xd[i] = src[o + i];
            if (task == Task.AUTOENCODER) {
                System.arraycopy(xd, 0, ys.data, 0, size * f);
            } else {
                for (int j = 0; j < size; j++) targets.fill(ys.data, j * targetRows, targetRows, labels[from + j]);
            }
            R064Store out = c.pass().run(net, xs);
            total += task == Task.AUTOENCODER ? Loss.MSE.value(out, ys) : loss.value(out, ys);
            if (task == Task.CLASSIFICATION) {
                for (int j = 0; j < size; j++) if (Ops.argmaxColumn(out, j) == labels[from + j]) correct++;
            }
        }
        return new Evaluation(total / n, task == Task.CLASSIFICATION ? (double) correct / n : Double.NaN);
    }
}
