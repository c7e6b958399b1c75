package io.nograd.system;

/** One invalid field of a request: its JSON path (e.g. {@code params.mu}) and what to do about it. */
public record FieldError(String field, String message) {
}
