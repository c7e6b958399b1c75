package io.nograd.jobs;

/** {@code QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED}. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
