package io.nograd.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import io.nograd.jobs.Job;
import io.nograd.jobs.JobRepository;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.JobStatus;
import io.nograd.jobs.RunEvent;
import io.nograd.jobs.RunEvents;

/**
 * The meters that follow runs, through the jobs' {@link RunEvents} seam: {@code nograd_epoch_seconds{algorithm}}
 * (a histogram of epoch times per solver) and {@code nograd_job_heap_estimate_bytes{job, algorithm}} for each
 * running job, to read beside {@code nograd_job_heap_budget_bytes} and the JVM's
 * {@code jvm_memory_used_bytes{area="heap"}}. The listener only updates meters (and reads one job row when a
 * run starts), so it never holds a run up. The other gauges are in {@link NogradGauges}.
 */
@Component
class NogradMetrics implements RunEvents.Listener {

    private final MeterRegistry registry;
    private final JobRepository repo;
    private final JobSpecValidator validator;
    private final Map<String, String> algorithms = new ConcurrentHashMap<>();
    private final Map<String, Gauge> heapGauges = new ConcurrentHashMap<>();

    NogradMetrics(MeterRegistry registry, JobRepository repo, JobSpecValidator validator) {
        this.registry = registry;
        this.repo = repo;
        this.validator = validator;
    }

    @Override
    public void onRunEvent(RunEvent event) {
        if (event instanceof RunEvent.Epoch e) {
            String algorithm = algorithms.computeIfAbsent(e.jobId(), this::algorithmOf);
            Timer.builder("nograd.epoch").tag("algorithm", algorithm).publishPercentileHistogram()
                    .description("seconds per training epoch").register(registry)
                    .record(Duration.ofNanos(Math.round(e.metrics().seconds() * 1e9)));
        } else if (event instanceof RunEvent.Status s && s.status() == JobStatus.RUNNING) {
            started(s.jobId());
        } else if (event instanceof RunEvent.Status s && s.status().isFinal()) {
            ended(s.jobId());
        }
    }

    private String algorithmOf(String jobId) {
        return repo.find(jobId).map(j -> j.spec().algorithm()).orElse("unknown");
    }

    private void started(String jobId) {
        Job job = repo.find(jobId).orElse(null);
        if (job == null) return;
        algorithms.put(jobId, job.spec().algorithm());
        long estimate;
        try {
            estimate = validator.estimateBytes(validator.validate(job.spec()));
        } catch (RuntimeException e) {
            return; // the run fails on the same spec and says why; no gauge for it
        }
        heapGauges.computeIfAbsent(jobId, id -> Gauge.builder("nograd.job.heap.estimate", () -> estimate).baseUnit("bytes")
                .tag("job", id).tag("algorithm", job.spec().algorithm())
                .description("heap the running job is expected to take (compare jvm_memory_used_bytes{area=\"heap\"})")
                .register(registry));
    }

    private void ended(String jobId) {
        algorithms.remove(jobId);
        Gauge g = heapGauges.remove(jobId);
        if (g != null) registry.remove(g);
    }
}
