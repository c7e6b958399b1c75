package io.nograd.jobs;

import java.util.List;

/** {@code GET /jobs}: one page of the history, newest first. */
public record JobPage(List<Job> jobs, long total, int limit, int offset) {
}
