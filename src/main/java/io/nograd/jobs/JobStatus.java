package io.nograd.jobs;

/**
 * {@code QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED | PRUNED}. {@code PRUNED} is a run stopped at an
 * epoch boundary by a {@link RunHooks} rule (a sweep's early stopping), distinct from a user's cancel.
 */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, PRUNED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == PRUNED;
    }
}
