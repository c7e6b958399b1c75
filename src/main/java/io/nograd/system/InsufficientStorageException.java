package io.nograd.system;

/** The data directory's file system is full; mapped to 507, and nothing half-written is kept. */
public class InsufficientStorageException extends RuntimeException {

    public InsufficientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
