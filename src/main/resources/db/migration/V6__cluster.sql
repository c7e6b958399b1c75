-- Cluster mode. node: the name of the node running (or that last ran) the job, shown by GET /jobs/{id};
-- owner: the Hazelcast member (one process lifetime) that holds the current attempt, so the survivors can
-- tell a dead member's jobs. Every write of a run is fenced by jobs.attempt (see JobRepository).
ALTER TABLE jobs ADD COLUMN node VARCHAR(200);
ALTER TABLE jobs ADD COLUMN owner VARCHAR(64);
CREATE INDEX jobs_owner ON jobs (status, owner);

-- Checkpoints in the shared database, so any node resumes a job whose node died: the last epoch's
-- safetensors bytes (with its rows in the metadata) and the attempt that wrote it.
CREATE TABLE checkpoints (
    job_id  VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    epoch   INT         NOT NULL,
    attempt INT         NOT NULL,
    bytes   BLOB        NOT NULL
);
