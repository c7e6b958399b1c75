package io.nograd.jobs;

import java.util.List;
import java.util.Map;

/**
 * What a user asks to train (DESIGN §4). Nullable fields take defaults in {@link JobSpecValidator}:
 * task classification, activation relu, loss cross-entropy, epochs 10, the solver's default batch size,
 * seed 1, the solver's default init.
 *
 * @param activationParams constants of parametrised activations: {@code alpha} (leaky-relu, elu),
 *                         {@code lower}/{@code upper} (dcutlu)
 * @param init             {@code {"kind": "glorot-uniform"|"he"|"gaussian", "scale": σ, "bias": b}}
 */
public record JobSpec(String name, String algorithm, String dataset, String task, List<Integer> layers,
                      String activation, Map<String, Double> activationParams, String loss, Integer epochs,
                      Integer batchSize, Integer trainLimit, Long seed, Map<String, Object> params,
                      InitSpec init) {

    /** Weight initialisation as given in a spec. */
    public record InitSpec(String kind, Double scale, Double bias) {
    }
}
