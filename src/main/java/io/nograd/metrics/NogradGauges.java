package io.nograd.metrics;

import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

import io.nograd.jobs.JobDispatch;
import io.nograd.jobs.JobRepository;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.JobStatus;
import io.nograd.live.LiveHub;

/**
 * Gauges read at each scrape of {@code /actuator/prometheus}: {@code nograd_jobs_queued} (admitted, waiting
 * for a worker), {@code nograd_jobs{status}} (jobs stored per status: one H2 query, at most once a second),
 * {@code nograd_live_subscribers} (WebSocket and SSE clients) and {@code nograd_job_heap_budget_bytes}.
 */
@Component
class NogradGauges implements MeterBinder {

    private final JobDispatch queue;
    private final JobRepository repo;
    private final JobSpecValidator validator;
    private final LiveHub hub;
    private volatile Map<JobStatus, Long> counts = Map.of();
    private volatile long countedAt;

    NogradGauges(JobDispatch queue, JobRepository repo, JobSpecValidator validator, LiveHub hub) {
        this.queue = queue;
        this.repo = repo;
        this.validator = validator;
        this.hub = hub;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("nograd.jobs.queued", queue, JobDispatch::waitingCount)
                .description("jobs admitted and waiting for a worker").register(registry);
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder("nograd.jobs", this, g -> g.count(s)).tag("status", s.name())
                    .description("jobs stored, by status").register(registry);
        }
        Gauge.builder("nograd.live.subscribers", hub, LiveHub::subscriberCount)
                .description("WebSocket and SSE clients following jobs").register(registry);
        Gauge.builder("nograd.job.heap.budget", validator, JobSpecValidator::heapBytes).baseUnit("bytes")
                .description("heap one job may take; a spec whose estimate exceeds it is refused").register(registry);
    }

    private double count(JobStatus s) {
        long now = System.nanoTime();
        if (counts.isEmpty() || now - countedAt > 1_000_000_000L) {
            counts = repo.countByStatus();
            countedAt = now;
        }
        return counts.getOrDefault(s, 0L);
    }
}
