package io.nograd.jobs;

import java.time.Instant;
import java.util.ArrayList;
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
import io.nograd.system.ValidationException;

/**
 * Runs one job on a worker thread through {@link Training}, the same epoch loop as the bench. Each
 * finished epoch goes, in this order, to the checkpoint file (which carries the epoch rows), to H2 (row,
 * epochs done, weights facts, one transaction) and to the live feed, so after a crash the checkpoint is
 * never behind the database and a restart can restore anything H2 lost from it.
 * <p>
 * Resuming (after a restart, or any start of a job that already has a checkpoint) loads the checkpoint's
 * weights and continues with the epoch after it; the epoch that was in progress runs again from the
 * start. Solver state beyond the weights (Adam's moments, a lifted method's auxiliary variables) is not
 * checkpointed: the solver is rebuilt fresh, as at the start of a run, and the batch order of every epoch
 * is the same as without the interruption (it is seeded by seed and epoch). A resumed run therefore
 * matches an uninterrupted one exactly for stateless solvers (SGD) and closely for the others.
 */
@Component
public class TrainingRun implements JobRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    private final JobRepository repo;
    private final JobSpecValidator validator;
    private final DatasetRegistry datasets;
    private final CheckpointStore weights;
    private final RunEvents events;

    public TrainingRun(JobRepository repo, JobSpecValidator validator, DatasetRegistry datasets, CheckpointStore weights, RunEvents events) {
        this.repo = repo;
        this.validator = validator;
        this.datasets = datasets;
        this.weights = weights;
        this.events = events;
    }

    /**
     * Every write goes through the attempt's fence; when one is refused ({@link FencedException}) another
     * attempt holds the job and this one stops at once, writing nothing more.
     */
    @Override
    public boolean run(String id, String node, String owner, BooleanSupplier cancelled, BooleanSupplier stopping) {
        int attempt = repo.markRunning(id, Instant.now(), node, owner);
        if (attempt == 0) return false;
        Job job = repo.find(id).orElseThrow();
        events.publish(new RunEvent.Status(id, attempt, JobStatus.RUNNING, null));
        try {
            ValidatedSpec spec = validator.validate(job.spec());
            Dataset data = datasets.get(spec.datasetName());
            repo.recordDatasetSha256(id, datasets.sha256(data));
            Network net = spec.newNetwork();
            List<EpochMetrics> rows = new ArrayList<>();
            int first = 1;
            Optional<CheckpointStore.Checkpoint> cp = weights.readCheckpoint(id, job.spec());
            if (cp.isPresent()) {
                net.copyFrom(cp.get().network());
                rows.addAll(cp.get().rows());
                first = cp.get().epoch() + 1;
                repo.reconcile(id, attempt, rows, cp.get().file(), Instant.now(), "resumed from the checkpoint of epoch " + cp.get().epoch()
                        + (first <= spec.shape().epochs() ? "; epochs " + first + ".." + spec.shape().epochs() + " run now" : ""));
            } else if (job.epochsDone() > 0) {
                repo.reconcile(id, attempt, rows, null, Instant.now(), "no checkpoint found; starting again from epoch 1");
            }
            new Training(spec, data).run(net, first, () -> cancelled.getAsBoolean() || stopping.getAsBoolean(), m -> {
                rows.add(m);
                var file = weights.writeCheckpoint(id, attempt, job.spec(), net, spec.outputActivation(), rows);
                repo.insertEpoch(id, attempt, m, file);
                events.publish(new RunEvent.Epoch(id, attempt, m));
            });
            end(id, attempt, JobStatus.SUCCEEDED, null, "succeeded after " + spec.shape().epochs() + " epochs");
        } catch (FencedException e) {
            log.warn("{}; this worker stops", e.getMessage());
        } catch (CancellationException e) {
            if (stopping.getAsBoolean() && !cancelled.getAsBoolean()) {
                log.info("job {} stopped by shutdown; it resumes from its last checkpoint at the next start", id);
                return true;
            }
            end(id, attempt, JobStatus.CANCELLED, null, "cancelled; the epochs done and their weights are kept");
        } catch (Training.DivergedException e) {
            end(id, attempt, JobStatus.FAILED, e.getMessage(), "failed in epoch " + e.epoch() + ": diverged");
        } catch (ValidationException e) {
            end(id, attempt, JobStatus.FAILED, "the stored spec is no longer valid here: " + e.getMessage(), "failed: spec no longer valid");
        } catch (DatasetException e) {
            end(id, attempt, JobStatus.FAILED, e.getMessage(), "failed: dataset could not be loaded");
        } catch (OutOfMemoryError e) {
            end(id, attempt, JobStatus.FAILED, "ran out of memory; use fewer or narrower layers, a smaller batchSize, or give the server more heap (-Xmx)",
                    "failed: out of memory");
        } catch (RuntimeException | Error e) {
            if (stopping.getAsBoolean()) {
                log.warn("job {} was interrupted by the shutdown ({}); it resumes from its last checkpoint at the next start", id, e.toString());
                return true;
            }
            log.error("job {} failed", id, e);
            end(id, attempt, JobStatus.FAILED, "internal error: " + e, "failed: internal error");
        }
        return true;
    }

    private void end(String id, int attempt, JobStatus status, String error, String history) {
        if (repo.finish(id, attempt, status, error, Instant.now(), history)) events.publish(new RunEvent.Status(id, attempt, status, error));
    }
}
