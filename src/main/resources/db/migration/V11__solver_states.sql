-- A solver's own state after an epoch (docs/server.md, "Restart and resume") in the shared database, in cluster
-- mode, so a survivor resumes a dead node's job exactly. One row per epoch: the checkpoint of a later epoch
-- retires the older rows, so a node that dies between writing a state and its checkpoint leaves the pair before.
CREATE TABLE solver_states (
    job_id  VARCHAR(36) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    epoch   INT         NOT NULL,
    attempt INT         NOT NULL,
    bytes   BLOB        NOT NULL,
    PRIMARY KEY (job_id, epoch)
);
