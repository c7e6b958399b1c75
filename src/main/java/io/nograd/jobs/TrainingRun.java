package io.nograd.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.nograd.data.Dataset;
import io.nograd.data.DatasetException;
import io.nograd.data.DatasetRegistry;
import io.nograd.nn.Network;
import io.nograd.system.Durable;
import io.nograd.system.NogradProperties;
import io.nograd.system.ValidationException;
import io.nograd.solver.SolverState;

/**
 * Runs one job on a worker thread through {@link Training}, the same epoch loop as the bench. Each
 * finished epoch goes, in this order, to the checkpoint file (which carries that epoch's row), to H2 (row,
 * epochs done, weights facts, one transaction) and to the live feed, so after a crash the checkpoint is
 * never behind the database and a restart can restore the one row H2 may lack from it.
 * <p>
 * Resuming (after a restart, or any start of a job that already has a checkpoint) loads the checkpoint's
 * weights and continues with the epoch after it; the epoch that was in progress runs again from the
 * start. The solver's own state (Adam's moments, a lifted method's kept auxiliary variables, an inertial
 * step's previous iterate) is written beside the checkpoint before it, and restored when its epoch matches the
 * checkpoint's; every epoch's batch order is seeded by seed and epoch. A resumed run therefore matches an
 * uninterrupted one bit for bit. Where no matching state is found (in cluster mode, one larger than the shared
 * database keeps), the solver starts its state afresh; the history's resume line says "with the solver's
 * state" only when it was restored.
 */
@Component
public class TrainingRun implements JobRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    private final JobRepository repo;
    private final JobSpecValidator validator;
    private final DatasetRegistry datasets;
    private final CheckpointStore weights;
    private final RunEvents events;
    private final Duration maxDuration;
    private final RunHooks hooks;

    public TrainingRun(JobRepository repo, JobSpecValidator validator, DatasetRegistry datasets, CheckpointStore weights, RunEvents events,
                       NogradProperties props, RunHooks hooks) {
        this.repo = repo;
        this.validator = validator;
        this.datasets = datasets;
        this.weights = weights;
        this.events = events;
        this.maxDuration = props.jobs().maxDuration();
        this.hooks = hooks;
    }

    /** A hook asked the run to stop after a stored epoch; its weights and rows stay. */
    private static final class PrunedException extends RuntimeException {
        final int epoch;

        PrunedException(int epoch, String reason) {
            super(reason, null, false, false);
            this.epoch = epoch;
        }
    }

    /**
     * Every write goes through the attempt's fence; when one is refused ({@link FencedException}) another
     * attempt holds the job and this one stops at once, writing nothing more. Otherwise the job is guaranteed
     * a final status: whatever throws, in the run's first lines, in training or in recording its end, it does
     * not stay {@code RUNNING} with no worker (unless the server is stopping, which leaves it to resume).
     */
    @Override
    public boolean run(String id, String node, String owner, BooleanSupplier cancelled, BooleanSupplier stopping) {
        int attempt = repo.markRunning(id, Instant.now(), node, owner);
        if (attempt == 0) return false;
        Run run = new Run(id, attempt);
        try {
            train(run, cancelled, stopping);
        } catch (FencedException e) {
            log.warn("{}; this worker stops", e.getMessage());
            run.ended = true;
        } catch (RuntimeException | Error e) {
            if (stopping.getAsBoolean()) {
                log.warn("job {} was interrupted by the shutdown ({}); it resumes from its last checkpoint at the next start", id, e.toString());
                run.ended = true;
                return true;
            }
            log.error("job {} failed", id, e);
            end(run, JobStatus.FAILED, "internal error: " + e, "failed: internal error");
        } finally {
            if (!stopping.getAsBoolean() && !run.ended) ensureEnded(run);
        }
        return true;
    }

    /** One run of a job: its attempt, and whether its end was recorded (or left to the next start or attempt). */
    private static final class Run {
        final String id;
        final int attempt;
        boolean ended;

        Run(String id, int attempt) {
            this.id = id;
            this.attempt = attempt;
        }
    }

    private void train(Run run, BooleanSupplier cancelled, BooleanSupplier stopping) {
        String id = run.id;
        int attempt = run.attempt;
        Job job = repo.find(id).orElseThrow();
        events.publish(new RunEvent.Status(id, attempt, JobStatus.RUNNING, null));
        long deadline = System.nanoTime() + maxDuration.toNanos();
        BooleanSupplier overTime = () -> System.nanoTime() - deadline > 0;
        try {
            ValidatedSpec spec = validator.validate(job.spec());
            Dataset data = datasets.get(spec.datasetName());
            repo.recordDatasetSha256(id, datasets.sha256(data));
            Network net = spec.newNetwork();
            int first = 1;
            Training training = new Training(spec, data);
            Optional<CheckpointStore.Checkpoint> cp = weights.readCheckpoint(id, job.spec());
            if (cp.isPresent()) {
                net.copyFrom(cp.get().network());
                first = cp.get().epoch() + 1;
                repo.reconcile(id, attempt, cp.get().rows(), cp.get().file(), Instant.now(), "resumed from the checkpoint of epoch " + cp.get().epoch()
                        + (first <= spec.shape().epochs() ? "; epochs " + first + ".." + spec.shape().epochs() + " run now" : "")
                        + restoreState(id, cp.get().epoch(), training));
            } else if (job.epochsDone() > 0) {
                repo.reconcile(id, attempt, List.of(), null, Instant.now(), "no checkpoint found; starting again from epoch 1");
            }
            training.run(net, first,
                    () -> cancelled.getAsBoolean() || stopping.getAsBoolean() || overTime.getAsBoolean(), m -> {
                if (m.epoch() < m.epochs()) {
                    SolverState state = training.solverState();
                    if (!state.isEmpty()) weights.writeState(id, attempt, m.epoch(), state.bytes(), state::writeTo);
                }
                var file = weights.writeCheckpoint(id, attempt, job.spec(), net, spec.outputActivation(), m);
                repo.insertEpoch(id, attempt, m, file);
                events.publish(new RunEvent.Epoch(id, attempt, m));
                if (m.epoch() < m.epochs()) {
                    hooks.afterEpoch(job, m).ifPresent(stop -> {
                        throw new PrunedException(m.epoch(), stop.reason());
                    });
                }
            });
            end(run, JobStatus.SUCCEEDED, null, "succeeded after " + spec.shape().epochs() + " epochs");
        } catch (PrunedException e) {
            end(run, JobStatus.PRUNED, e.getMessage(), "pruned after epoch " + e.epoch + ": " + e.getMessage());
        } catch (CancellationException e) {
            if (stopping.getAsBoolean() && !cancelled.getAsBoolean()) {
                log.info("job {} stopped by shutdown; it resumes from its last checkpoint at the next start", id);
                run.ended = true;
                return;
            }
            if (!cancelled.getAsBoolean() && overTime.getAsBoolean()) {
                end(run, JobStatus.FAILED, "ran out of its wall-time budget of " + maxDuration + " (nograd.jobs.max-duration); the epochs done "
                        + "and their weights are kept; use fewer epochs or a smaller network, or raise the budget", "failed: over its time budget");
                return;
            }
            end(run, JobStatus.CANCELLED, null, "cancelled; the epochs done and their weights are kept");
        } catch (Training.DivergedException e) {
            end(run, JobStatus.FAILED, e.getMessage(), "failed in epoch " + e.epoch() + ": diverged");
        } catch (ValidationException e) {
            end(run, JobStatus.FAILED, "the stored spec is no longer valid here: " + e.getMessage(), "failed: spec no longer valid");
        } catch (DatasetException e) {
            end(run, JobStatus.FAILED, e.getMessage(), "failed: dataset could not be loaded");
        } catch (OutOfMemoryError e) {
            end(run, JobStatus.FAILED, "ran out of memory; use fewer or narrower layers, a smaller batchSize, or give the server more heap (-Xmx)",
                    "failed: out of memory");
        } catch (FencedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (stopping.getAsBoolean()) throw e;
            if (Durable.isDiskFull(e)) {
                log.warn("job {} stopped on a full disk: {}", id, e.toString());
                end(run, JobStatus.FAILED, "the data directory's disk is full; the epochs stored before are kept; free space and submit the job again",
                        "failed: disk full");
                return;
            }
            throw e;
        }
    }

    /**
     * Restores the solver's state of {@code epoch} into {@code training}; returns what the resume history adds
     * about it (nothing when none is stored: a stateless solver, cluster mode, or a crash between the two writes).
     */
    private String restoreState(String id, int epoch, Training training) {
        Optional<java.io.InputStream> in = weights.openState(id, epoch);
        if (in.isEmpty()) return "";
        try (java.io.InputStream stream = in.get()) {
            if (training.restoreSolverState(SolverState.readFrom(stream))) return "; with the solver's state of that epoch";
            return "; the stored solver state does not fit this solver, so its own variables start afresh";
        } catch (java.io.IOException e) {
            log.warn("job {}: its solver state cannot be read ({}); the solver's variables start afresh", id, e.toString());
            return "; the stored solver state cannot be read (" + e.getMessage() + "), so the solver's own variables start afresh";
        }
    }

    /** Records the end; a failure to record it is retried once with a short message, then left to {@link #ensureEnded}. */
    private void end(Run run, JobStatus status, String error, String history) {
        try {
            weights.deleteStates(run.id, run.attempt);
        } catch (RuntimeException e) {
            log.warn("job {}: its solver states could not be removed ({}); they are removed with the job", run.id, e.toString());
        }
        try {
            if (repo.finish(run.id, run.attempt, status, error, Instant.now(), history)) {
                events.publish(new RunEvent.Status(run.id, run.attempt, status, error));
            }
            run.ended = true;
        } catch (RuntimeException e) {
            log.error("job {}: recording its end ({}) failed", run.id, status, e);
            if (repo.finish(run.id, run.attempt, JobStatus.FAILED, "the job ended (" + status + ") but recording it failed: "
                    + e.getClass().getSimpleName(), Instant.now(), "failed: its end could not be recorded")) {
                events.publish(new RunEvent.Status(run.id, run.attempt, JobStatus.FAILED, null));
            }
            run.ended = true;
        }
    }

    /** The last guard: a job this worker ran must not stay RUNNING once the worker lets go of it. */
    private void ensureEnded(Run run) {
        try {
            if (repo.finish(run.id, run.attempt, JobStatus.FAILED, "internal error: the run ended without recording a final status",
                    Instant.now(), "failed: ended without a final status")) {
                events.publish(new RunEvent.Status(run.id, run.attempt, JobStatus.FAILED, null));
            }
        } catch (RuntimeException e) {
            log.error("job {} could not be marked FAILED; POST /jobs/{}/cancel ends it", run.id, run.id, e);
        }
    }
}
