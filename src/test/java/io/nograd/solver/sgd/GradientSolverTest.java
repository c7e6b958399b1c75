package io.nograd.solver.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.TestData;
import io.nograd.TestData.Run;
import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.data.Dataset;
import io.nograd.jobs.JobSpec;
import io.nograd.nn.Task;

class GradientSolverTest {

    private static JobSpec spec(String algorithm, List<Integer> layers, int batchSize, Map<String, Object> params) {
        return new JobSpec("gradient threads", algorithm, "fashion-mnist", null, layers, "relu", null, "cross-entropy", 2,
                batchSize, 2050, 3L, params, null);
    }

    /**
     * The float32 SGD step taken inside the gradient's product (W ← (1 − rate·λ)·W − rate·G, or v ← μ·v + G) trains the
     * weights the float64 step does, up to float32 rounding, for every rule it covers; Adam's separate step as control.
     */
    @Test
    void theStepInTheProductIsTheFloat64Step() {
        for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of("lr", 0.1), Map.of("lr", 0.05, "weightDecay", 1e-2),
                Map.of("lr", 0.05, "momentum", 0.9, "weightDecay", 1e-2), Map.of("lr", 0.01, "momentum", 0.5), Map.of("lr", 0.001))) {
            // Adam, whose sign-like steps amplify rounding at a large rate, only at its usual one
            for (String algorithm : params.get("lr").equals(0.001) ? List.of("adam") : List.of("sgd")) {
                Map<String, Object> f64 = new java.util.HashMap<>(params);
                f64.put("precision", "float64");
                Run single = TestData.train(spec(algorithm, List.of(784, 64, 10), 100, params));
                Run dbl = TestData.train(spec(algorithm, List.of(784, 64, 10), 100, f64));
                for (int l = 0; l < 2; l++) {
                    double[] a = single.net().weight(l).data;
                    double[] b = dbl.net().weight(l).data;
                    double diff = 0;
                    double scale = 0;
                    for (int i = 0; i < a.length; i++) {
                        diff = Math.max(diff, Math.abs(a[i] - b[i]));
                        scale = Math.max(scale, Math.abs(b[i]));
                    }
                    assertTrue(diff < 2e-3 * scale, algorithm + " " + params + ", layer " + l + ": float32 off by " + diff + " of " + scale);
                }
            }
        }
    }

    /** The float32 inputs copied straight from the dataset are the float64 batch's, narrowed: the same bits either way. */
    @Test
    void float32InputsAreTheFloat64BatchNarrowed() {
        Dataset data = TestData.DATASETS.get("fashion-mnist");
        Batches batches = new Batches(data, Task.CLASSIFICATION, 64, 1000, 7L, true).epoch(2, 3);
        int seen = 0;
        for (Batch batch : batches) {
            float[] inputs = new float[data.features() * batch.size()];
            batch.inputs(inputs);
            double[] x = batch.x().data;
            assertEquals(x.length, inputs.length);
            for (int i = 0; i < x.length; i++) {
                if ((float) x[i] != inputs[i]) throw new AssertionError("batch " + batch.index() + ", element " + i + ": " + inputs[i] + " against " + x[i]);
            }
            seen++;
        }
        assertEquals(16, seen, "1000 samples in batches of 64, the last of 40");
    }
}
