package io.nograd.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

import io.nograd.system.NogradProperties;
import io.nograd.system.TooManyRequestsException;

/**
 * The bounded job queue: a {@link ThreadPoolExecutor} with {@code nograd.jobs.concurrency} workers. New
 * jobs are admitted while fewer than {@code nograd.jobs.queue-capacity} wait; the check, the job's insert
 * and the hand-off happen under one lock, so a 201 always means a queued task and a 429 means nothing was
 * stored. Jobs re-queued after a restart bypass the capacity (they were admitted before), so the
 * executor's own queue is unbounded and the capacity is enforced here.
 * <p>
 * Cancel is cooperative: a queued job's task is removed, a running job's flag is polled by its solver
 * between batches. On shutdown the running jobs are stopped the same way but stay {@code RUNNING} in H2,
 * so the next start resumes them.
 * <p>
 * This is the single-node dispatch; with {@code nograd.cluster.enabled} the cluster's takes its place.
 */
@Component
@ConditionalOnBooleanProperty(name = "nograd.cluster.enabled", havingValue = false, matchIfMissing = true)
public class JobQueue implements JobDispatch {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

    private final int capacity;
    private final ThreadPoolExecutor executor;
    private final JobRunner runner;
    private final JobRepository repo;
    private final Map<String, Runnable> waiting = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    public JobQueue(NogradProperties props, JobRunner runner, JobRepository repo) {
        this.capacity = props.jobs().queueCapacity();
        this.runner = runner;
        this.repo = repo;
        AtomicInteger n = new AtomicInteger();
        int workers = props.jobs().concurrency();
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "nograd-job-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        });
    }

    /**
     * Admits a new job: under the queue's lock, refuses with 429 when {@code capacity} jobs already wait,
     * else runs {@code persist} (the job's insert) and queues its task.
     */
    @Override
    public synchronized void admit(String id, Runnable persist) {
        if (waiting.size() >= capacity) {
            throw new TooManyRequestsException("the queue is full: " + waiting.size() + " jobs are waiting (nograd.jobs.queue-capacity = "
                    + capacity + "); retry later", 10);
        }
        persist.run();
        enqueue(id);
    }

    /** Queues a job that was admitted before (re-queued at start-up), whatever the capacity. */
    public synchronized void enqueue(String id) {
        Runnable task = new Runnable() {
            @Override
            public void run() {
                waiting.remove(id);
                AtomicBoolean cancelled = new AtomicBoolean();
                running.put(id, cancelled);
                // Every log line of the run, from the solver's included, carries the job id (logging.pattern.level).
                MDC.put("job", id);
                long start = System.nanoTime();
                log.info("job {} starts on {}", id, Thread.currentThread().getName());
                try {
                    runner.run(id, null, null, cancelled::get, stopping::get);
                } finally {
                    log.info("job {} left its worker after {} s", id, String.format("%.1f", (System.nanoTime() - start) / 1e9));
                    MDC.remove("job");
                    running.remove(id);
                }
            }
        };
        waiting.put(id, task);
        executor.execute(task);
    }

    /** Withdraws a queued job's task; true when it was still waiting. */
    @Override
    public boolean withdraw(String id) {
        Runnable task = waiting.remove(id);
        return task != null && executor.remove(task);
    }

    /** Asks a running job to stop after its current batch; true when it was running here. */
    @Override
    public boolean cancelRunning(String id) {
        AtomicBoolean flag = running.get(id);
        if (flag == null) return false;
        flag.set(true);
        return true;
    }

    @Override
    public int waitingCount() {
        return waiting.size();
    }

    @Override
    public boolean isRunning(String id) {
        return running.containsKey(id);
    }

    /**
     * Jobs found {@code RUNNING} (the server died under them) are queued again first and resume from their
     * checkpoints, unless the server died under them {@link JobRepository#MAX_STALLS} times without their finishing an
     * epoch in between; then the {@code QUEUED} ones follow in creation order.
     */
    @Override
    public void recover() {
        Instant now = Instant.now();
        List<String> interrupted = repo.idsWithStatus(JobStatus.RUNNING);
        for (String id : interrupted) {
            int attempt = repo.find(id).map(Job::attempt).orElse(0);
            switch (repo.requeueStalled(id, attempt, now, "the server stopped while it was running")) {
                case QUEUED_AGAIN -> enqueue(id);
                case FAILED -> log.warn("job {}: the server died under it {} times with no epoch finished in between; it is marked FAILED "
                        + "instead of resumed", id, JobRepository.MAX_STALLS);
                case NOT_RUNNING -> { }
            }
        }
        List<String> queued = repo.idsWithStatus(JobStatus.QUEUED).stream().filter(id -> !interrupted.contains(id)).toList();
        for (String id : queued) enqueue(id);
        if (!interrupted.isEmpty() || !queued.isEmpty()) {
            log.info("recovered {} interrupted job(s), which resume from their checkpoints, and {} queued job(s)", interrupted.size(), queued.size());
        }
    }

    /**
     * Drops the waiting tasks (their jobs stay {@code QUEUED} in H2) and lets the running ones stop at their
     * next batch. Workers are not interrupted unless they overrun: an interrupt closes the file channel under
     * a checkpoint write or an H2 statement, which would turn a clean stop into a failed job.
     */
    @PreDestroy
    void shutdown() throws InterruptedException {
        stopping.set(true);
        executor.getQueue().clear();
        executor.shutdown();
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
            log.warn("a training job did not stop within 60 s of shutdown; interrupting it; it resumes from its checkpoint at the next start");
            executor.shutdownNow();
            return;
        }
        // Every worker stopped cleanly: their jobs go back to the queue now, so the next start resumes them without
        // counting this stop as a death under them (JobRepository.MAX_STALLS).
        for (JobRepository.Running r : repo.running()) {
            repo.requeue(r.id(), r.attempt(), Instant.now(), "the server shut down; queued again to resume from its last checkpoint");
        }
    }
}
