package io.nograd.system;

/** A named resource (job, dataset, weights) that does not exist; mapped to 404. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
