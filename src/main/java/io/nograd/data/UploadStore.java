package io.nograd.data;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where uploaded datasets are recorded (the database): their shape, to list and validate them without
 * parsing, and their CSV, parsed on the node that first trains on one. With a shared database every node
 * of a cluster sees every upload, whichever node received it.
 */
public interface UploadStore {

    /** Every upload whose shape is recorded. */
    List<Upload> uploads();

    Optional<Upload> upload(String name);

    /**
     * Parses upload {@code name} as it was accepted.
     *
     * @throws DatasetException when it is gone or its stored CSV cannot be read
     */
    Dataset load(String name);

    /** An upload's shape; {@code version} tells a re-upload under the same name from the copy a node holds. */
    record Upload(String name, int features, int classes, int trainSize, int testSize, Instant version) {}
}
