package io.nograd.data;

/** What {@code GET /datasets} says of one dataset; {@code reason} says why it is unavailable and how to fix it. */
public record DatasetInfo(String name, int features, int classes, int trainSize, int testSize,
                          boolean available, String reason, String source) {
}
