package io.nograd.jobs;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where features built on jobs (sweeps) hook into a run without {@code jobs/} knowing them: they register
 * a {@link Hook} here at start-up. A hook is asked, in the run's own thread right after an epoch is stored,
 * whether the run should stop there ({@link JobStatus#PRUNED}); and it is told when any job has ended.
 */
@Component
public class RunHooks {

    private static final Logger log = LoggerFactory.getLogger(RunHooks.class);

    /** Why a run stops early; {@code reason} is shown as the job's {@code error} and in its history. */
    public record Stop(String reason) {
    }

    public interface Hook {
        /** Called after epoch {@code m} of {@code job} is stored (checkpoint and row); a Stop ends the run PRUNED. */
        default Optional<Stop> afterEpoch(Job job, EpochMetrics m) {
            return Optional.empty();
        }

        /** Called after a job reached a final status (run ended, or cancelled while queued). */
        default void ended(Job job) {
        }
    }

    private final List<Hook> hooks = new CopyOnWriteArrayList<>();

    public void register(Hook hook) {
        hooks.add(hook);
    }

    Optional<Stop> afterEpoch(Job job, EpochMetrics m) {
        for (Hook h : hooks) {
            Optional<Stop> stop = h.afterEpoch(job, m);
            if (stop.isPresent()) return stop;
        }
        return Optional.empty();
    }

    /** A failing hook must not change how the job ended; it is logged. */
    void ended(Job job) {
        for (Hook h : hooks) {
            try {
                h.ended(job);
            } catch (RuntimeException e) {
                log.error("a job-end hook failed for job {}", job.id(), e);
            }
        }
    }
}
