package io.nograd.solver;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Activation;
import io.nograd.nn.Init;
import io.nograd.nn.Loss;
import io.nograd.system.FieldError;

/**
 * Describes one algorithm and builds its {@link Solver}. Everything the API says about a solver comes
 * from here: {@code GET /algorithms}, validation of a job's params and the dashboard's form.
 */
public interface SolverFactory {

    /** The API name, e.g. {@code lpom}. */
    String name();

    /** A one-line human title. */
    String title();

    /** The paper (authors, title, venue) the solver implements. */
    String paper();

    /** Hidden activations this solver supports (names of {@link Activation#NAMES}). */
    List<String> activations();

    /** Losses this solver supports (ids of {@link Loss}). */
    List<String> losses();

    int defaultBatchSize();

    /** The record whose {@link Param}-annotated components declare this solver's hyperparameters. */
    Class<? extends Record> paramsType();

    /** The parameter specs derived from {@link #paramsType()}: names, defaults, ranges, descriptions. */
    default List<ParamSpec> params() {
        return ParamSpec.of(paramsType());
    }

    /** What {@link EpochReport#objective()} means for this solver, or null when it reports none. */
    default Diagnostic objective() {
        return null;
    }

    /** Every entry its {@link EpochReport#diagnostics()} may carry; a name means the same in every solver. */
    default List<Diagnostic> diagnostics() {
        return List.of();
    }

    /** A back-propagation baseline (listed after the gradient-free solvers). */
    default boolean baseline() {
        return false;
    }

    /** Builds the solver for one job from validated params. */
    Solver create(TrainingShape shape, Params params);

    /** The activation of the output layer; identity unless the paper's formulation puts φ there. */
    default Activation outputActivation(Activation hidden, Loss loss, Params params) {
        return Activation.IDENTITY;
    }

    /** The weight initialisation used when the spec names none. */
    default Init defaultInit() {
        return Init.GLOROT;
    }

    /** Whether batches are reshuffled every epoch (false: a fixed partition, batch i the same samples each epoch). */
    default boolean shuffles(Params params) {
        return true;
    }

    /** What to change when training diverges, for the FAILED job's message (e.g. "lower params.lr"). */
    default String divergenceAdvice() {
        return "lower the step-size parameter in params or use a smaller batchSize";
    }

    /**
     * Bytes this solver holds for a job of this shape: every buffer it allocates (see {@link MemoryEstimate});
     * the validator adds what every job holds (network, checkpoint copies, evaluation and batch buffers) and
     * compares the sum with the job's heap share. Empty: the validator's generic estimate.
     */
    default OptionalLong estimateBytes(TrainingShape shape, Params params) {
        return OptionalLong.empty();
    }

    /** What to change when a job's memory estimate is over its heap share. */
    default String memoryAdvice() {
        return "use fewer or narrower layers or a smaller batchSize";
    }

    /** Extra checks of a whole job (memory, combinations); adds to {@code errors}, allocates nothing. */
    default void validate(TrainingShape shape, Params params, List<FieldError> errors) {
    }
}
