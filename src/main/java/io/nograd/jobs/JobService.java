package io.nograd.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.nograd.system.ConflictException;
import io.nograd.system.NotFoundException;

/**
 * What the API does with jobs: create (validate, store QUEUED, queue), read, cancel, delete, and the
 * recovery at start-up, which the {@link JobDispatch} does (see {@link JobQueue#recover}).
 */
@Service
public class JobService implements SmartInitializingSingleton {

    private final JobRepository repo;
    private final JobDispatch queue;
    private final JobSpecValidator validator;
    private final CheckpointStore weights;
    private final RunEvents events;
    private final TransactionTemplate tx;

    public JobService(JobRepository repo, JobDispatch queue, JobSpecValidator validator, CheckpointStore weights, RunEvents events,
                      TransactionTemplate tx) {
        this.repo = repo;
        this.queue = queue;
        this.validator = validator;
        this.weights = weights;
        this.events = events;
        this.tx = tx;
    }

    public Job create(JobSpec spec) {
        return create(spec, null, id -> { });
    }

    /**
     * Creates a job that is a sweep's cell. {@code beforeInsert} runs in the job's insert transaction with the
     * new id, before the row is written (the sweep takes its lock and records the release there, so a cell is
     * released once or not at all, and the job's {@code createdAt} is stamped only once the lock is held); when
     * it throws, nothing is stored or queued.
     *
     * @throws io.nograd.system.TooManyRequestsException when the queue is full (nothing stored)
     */
    public Job create(JobSpec spec, Job.SweepCell sweep, Consumer<String> beforeInsert) {
        ValidatedSpec valid = validator.validate(spec);
        String id = UUID.randomUUID().toString();
        queue.admit(id, () -> {
            tx.executeWithoutResult(s -> {
                beforeInsert.accept(id);
                repo.insert(id, valid.spec(), sweep, Instant.now());
            });
            events.publish(new RunEvent.Status(id, 0, JobStatus.QUEUED, null));
        });
        return get(id);
    }

    /** The job with its history. */
    public Job get(String id) {
        Job job = repo.find(id).orElseThrow(() -> new NotFoundException("no job with id '" + id + "'"));
        return job.withHistory(repo.history(id));
    }

    /** The SHA-256 of the dataset the job trained on (see {@code DatasetRegistry.sha256}); empty before it started. */
    public Optional<String> datasetSha256(String id) {
        return repo.datasetSha256(id);
    }

    public JobPage list(JobStatus status, String algorithm, String sweep, int limit, int offset) {
        return new JobPage(repo.list(status, algorithm, sweep, limit, offset), repo.count(status, algorithm, sweep), limit, offset);
    }

    /** Every job of a sweep, in cell order. */
    public List<Job> ofSweep(String sweep) {
        return repo.ofSweep(sweep);
    }

    /** How many of a sweep's jobs are queued or running. */
    public int activeInSweep(String sweep) {
        return repo.activeInSweep(sweep);
    }

    /** The epoch rows of every job of a sweep, by job id. */
    public java.util.Map<String, List<EpochMetrics>> epochsOfSweep(String sweep) {
        return repo.epochsOfSweep(sweep);
    }

    /** One page of the job's epoch rows: at most {@code limit} after epoch {@code after}. */
    public List<EpochMetrics> epochs(String id, int after, int limit) {
        return repo.epochs(id, after, limit);
    }

    public List<EpochMetrics> epochs(String id) {
        get(id);
        return repo.epochs(id);
    }

    /**
     * Cancels a queued job at once, or asks a running one to stop after its current batch (waiting up to
     * two seconds for it to do so); the epochs done and their weights are kept.
     */
    public Job cancel(String id) {
        Job job = get(id);
        if (job.status().isFinal()) {
            throw new ConflictException("job " + id + " has already ended (" + job.status() + "); nothing to cancel");
        }
        if (repo.cancelQueued(id, Instant.now())) {
            queue.withdraw(id);
            events.publish(new RunEvent.Status(id, job.attempt(), JobStatus.CANCELLED, null));
            return get(id);
        }
        // A job RUNNING in the database that no worker here holds (its run died before recording an end) is ended
        // by the cancel itself. Only in single-node mode: in a cluster another node may hold it.
        if (queue instanceof JobQueue && !queue.cancelRunning(id) && !queue.isRunning(id)
                && repo.cancelOrphan(id, job.attempt(), Instant.now())) {
            events.publish(new RunEvent.Status(id, job.attempt(), JobStatus.CANCELLED, null));
            return get(id);
        }
        queue.cancelRunning(id);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && queue.isRunning(id)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return get(id);
    }

    /** Removes an ended job, its epochs, history and weight files. */
    public void delete(String id) {
        Job job = get(id);
        if (!job.status().isFinal() || !repo.deleteFinished(id)) {
            throw new ConflictException("job " + id + " is " + job.status() + "; cancel it first (POST /jobs/" + id + "/cancel), then delete it");
        }
        weights.delete(id);
    }

    /**
     * Single-node mode: recovers once every bean is built, before the web server accepts connections, so no
     * request can queue a job that the recovery queues again (uploads are reloaded before, as their
     * repository starts).
     */
    @Override
    public void afterSingletonsInstantiated() {
        if (queue instanceof JobQueue) queue.recover();
    }

    /** Cluster mode: the dispatch joins once the application is ready. */
    @EventListener(ApplicationReadyEvent.class)
    @Order(10)
    public void recover() {
        if (!(queue instanceof JobQueue)) queue.recover();
    }
}
