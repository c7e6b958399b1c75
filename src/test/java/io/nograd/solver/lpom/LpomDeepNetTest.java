package io.nograd.solver.lpom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.data.Dataset;
import io.nograd.data.DatasetRegistry;
import io.nograd.data.Synthetic;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.Training;
import io.nograd.jobs.ValidatedSpec;
import io.nograd.nn.Activation;
import io.nograd.nn.Init;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Task;
import io.nograd.solver.Cancellation;
import io.nograd.solver.Params;
import io.nograd.solver.SolverRegistry;

/**
 * Issue 18: the two ways LPOM failed on deep nets, on small deep nets and synthetic data. Both failed on the code
 * before the fix (bench/results/lpom.md): the sweeps of eq. (26) expanded once ρ of Theorem 2 exceeded 3, and the
 * absolute ridge of the W step held a deep sigmoid net at chance.
 */
class LpomDeepNetTest {

    private static final Dataset BLOBS = Synthetic.blobs(20, 4, 3000, 1000, 0.15, 11);

    /** ρ = ‖W‖₂² ≈ 9 on every hidden layer: the residual of eq. (26) must still shrink from sweep to sweep. */
    @Test
    void hiddenSweepsContractWhenTheorem2RhoExceedsOne() {
        int[] sizes = {20, 30, 30, 30, 4};
        Activation identity = Activation.of("identity", null);
        Network net = Network.create(sizes, identity, identity, Init.GLOROT, 5);
        for (int l = 0; l < net.depth(); l++) {
            Ops.scale(net.weight(l), 3 / Ops.spectralNorm(net.weight(l), 100));
        }
        LpomParams p = Params.defaults(LpomParams.class);
        Batch batch = new Batches(BLOBS, Task.CLASSIFICATION, 100, 100, 1, false).epoch(1, 1).iterator().next();
        LiftedBatch lifted = new LiftedBatch(sizes, 100, p, Loss.MSE);
        lifted.initialise(net, batch.x());
        int n = sizes.length;
        double[] second = new double[n];
        for (int sweep = 1; sweep <= 12; sweep++) {
            lifted.updateOutput(net, batch.y());
            for (int i = n - 1; i >= 2; i--) lifted.updateHidden(net, i);
            if (sweep == 2) for (int i = 2; i < n; i++) second[i] = lifted.lastStep(i);
        }
        for (int i = 2; i < n; i++) {
            double last = lifted.lastStep(i);
            assertTrue(Double.isFinite(last) && last < 0.5 * second[i],
                    "X^" + i + ": fixed-point residual " + second[i] + " at sweep 2, " + last + " at sweep 12");
        }
    }

    /** 20-64-32-16-8-4 sigmoid, μ = 5 (Table 6's activation and μ on a deep net): learns, and stays learnt. */
    @Test
    void deepSigmoidNetLearnsAndStaysStable() {
        List<EpochMetrics> m = train(List.of(20, 64, 32, 16, 8, 4), "sigmoid", 5.0, 6);
        double best = 0;
        for (EpochMetrics e : m) {
            if (e.epoch() >= 3) assertTrue(e.testAccuracy() >= best - 0.01, "epoch " + e.epoch() + " fell below best " + best);
            best = Math.max(best, e.testAccuracy());
        }
        assertTrue(m.get(2).testAccuracy() >= 0.95, "test accuracy after 3 epochs: " + m.get(2).testAccuracy());
    }

    private static List<EpochMetrics> train(List<Integer> layers, String activation, double mu, int epochs) {
        DatasetRegistry registry = new DatasetRegistry(Path.of("/usr/share/datasets/fashion-mnist"),
                Path.of("/usr/local/share/datasets/mnist"));
        JobSpec spec = new JobSpec("deep", "lpom", "blobs", null, layers, activation, null, "mse", epochs, 100, null, 1L,
                Map.of("mu", mu), null);
        ValidatedSpec vs = new JobSpecValidator(SolverRegistry.builtIn(), registry, 2, 4L << 30).validate(spec);
        Network net = vs.newNetwork();
        List<EpochMetrics> out = new ArrayList<>();
        new Training(vs, BLOBS).run(net, 1, Cancellation.NEVER, out::add);
        return out;
    }
}
