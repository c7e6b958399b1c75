-- stalls: how many times the process running a job died under it since the job's last finished epoch (an epoch
-- sets it back to 0). A job that kills every process it runs in (an out-of-memory exit, say) ends FAILED at the
-- third stall instead of crash-looping the server or the cluster; a long job that keeps finishing epochs between
-- restarts is resumed however often it is interrupted. A graceful shutdown is no stall (the job is queued again).
ALTER TABLE jobs ADD COLUMN stalls INT DEFAULT 0 NOT NULL;
