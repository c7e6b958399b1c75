package io.nograd.system;

/** A request that the resource's current state forbids (deleting a running job); mapped to 409. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
