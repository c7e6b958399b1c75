package io.nograd.solver.admm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nograd.data.Batches;
import io.nograd.data.Dataset;
import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.ValidatedSpec;
import io.nograd.nn.Gemm;
import io.nograd.nn.Network;
import io.nograd.solver.Cancellation;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverRegistry;

/**
 * The paper's Table 3: seconds per mini-batch of SGD, Adam, ADMM (ReLU) and ADMM (DCutLU) on 784-500-600-10
 * with batches of 3000 Fashion-MNIST samples. Reports the calling thread's CPU time per batch (mean and standard
 * deviation), which other jobs on a shared machine barely disturb, beside wall time; run it with one BLAS
 * thread so that all the work is on that thread (bench/admm-timing.sh).
 */
public final class AdmmTiming {

    private AdmmTiming() {
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        DatasetRegistry datasets = new DatasetRegistry(Path.of("/usr/share/datasets/fashion-mnist"), Path.of("/nonexistent"));
        JobSpecValidator validator = new JobSpecValidator(SolverRegistry.builtIn(), datasets, 1, Runtime.getRuntime().maxMemory());
        Dataset data = datasets.get("fashion-mnist");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "# 784-500-600-10, batch 3000, %d timed batches after 2 warm-up, gemm %s, OPENBLAS_NUM_THREADS=%s%n",
                batches, Gemm.get().name(), System.getenv("OPENBLAS_NUM_THREADS"));
        System.out.println("solver           cpu s/batch  (std)    wall s/batch  (std)");
        for (String[] run : List.of(new String[] {"sgd", "relu", "SGD (ReLU)"}, new String[] {"adam", "relu", "Adam (ReLU)"},
                new String[] {"admm", "relu", "ADMM (ReLU)"}, new String[] {"admm", "dcutlu", "ADMM (DCutLU)"})) {
            JobSpec spec = new JobSpec("timing", run[0], "fashion-mnist", null, List.of(784, 500, 600, 10), run[1],
                    run[1].equals("dcutlu") ? Map.of("lower", 0.0, "upper", 1.0) : null, "cross-entropy", batches + 2, 3000,
                    null, 1L, Map.of(), null);
            ValidatedSpec vs = validator.validate(spec);
            Network net = vs.newNetwork();
            Solver solver = vs.factory().create(vs.shape(), vs.params());
            // one batch per "epoch": a 3000-sample prefix, reshuffled each time
            Batches one = new Batches(data, vs.shape().task(), 3000, 3000, 1L, true);
            double[] cpu = new double[batches];
            double[] wall = new double[batches];
            for (int k = -2; k < batches; k++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                solver.trainEpoch(net, one.epoch(k + 3, batches + 2), Cancellation.NEVER);
                if (k >= 0) {
                    cpu[k] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                    wall[k] = (System.nanoTime() - w0) / 1e9;
                }
            }
            System.out.printf(Locale.ROOT, "%-15s  %8.4f  (%.4f)   %8.4f  (%.4f)%n", run[2], mean(cpu), std(cpu), mean(wall), std(wall));
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / Math.max(1, v.length - 1));
    }
}
