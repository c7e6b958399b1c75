package io.nograd.jobs;

/**
 * Where queued jobs wait and which worker runs them: {@link JobQueue} in one process (the default), or
 * the cluster's dispatch, which shares the queue between nodes. {@link JobService} talks only to this.
 */
public interface JobDispatch {

    /** Admits a new job: refuses with 429 when the queue is full, else runs {@code persist} (its insert) and queues it. */
    void admit(String id, Runnable persist);

    /** Withdraws a queued job's task; true when it was still waiting here. */
    boolean withdraw(String id);

    /** Asks a running job to stop after its current batch, wherever it runs. */
    boolean cancelRunning(String id);

    /** Jobs admitted and waiting for a worker (in the whole cluster, in cluster mode). */
    int waitingCount();

    /** Whether the job is still running (anywhere, in cluster mode). */
    boolean isRunning(String id);

    /** At start-up: takes over the jobs the last run of this node (or cluster) left RUNNING or QUEUED. */
    void recover();
}
