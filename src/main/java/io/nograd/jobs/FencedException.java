package io.nograd.jobs;

/**
 * A write of a run was refused because its attempt no longer holds the job: the job was given to another
 * attempt (its node was declared dead) or has ended. The worker that gets it stops without writing more.
 */
public class FencedException extends RuntimeException {

    public FencedException(String jobId, int attempt, String what) {
        super("job " + jobId + ": attempt " + attempt + " no longer holds the job; its write of " + what + " was rejected");
    }
}
