package io.nograd.jobs;

import io.nograd.nn.Activation;
import io.nograd.nn.Init;
import io.nograd.nn.Network;
import io.nograd.solver.Params;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** A {@link JobSpec} checked and resolved into the objects a run needs; built only by {@link JobSpecValidator}. */
public record ValidatedSpec(JobSpec spec, SolverFactory factory, Params params, TrainingShape shape,
                            Activation outputActivation, Init init, String datasetName) {

    /** A freshly initialised network for this spec (the same seed gives the same weights). */
    public Network newNetwork() {
        return Network.create(shape.layers(), shape.activation(), outputActivation, init, shape.seed());
    }
}
