package io.nograd.data;

/** A dataset that cannot be loaded or parsed; the message names the file (or line) and the problem. */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }
}
