package io.nograd.jobs;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;

/**
 * The one question a run asks features built on jobs (sweeps), which {@link RunEvents} cannot carry since it
 * only tells: after an epoch is stored, should the run stop here? Asked in the run's own thread, right after
 * the epoch's checkpoint, row and event, so a rule acts at the epoch boundary it applies to. A {@link Stop}
 * ends the run {@link JobStatus#PRUNED} with its reason; the epochs and weights stay. Features register a
 * {@link Hook} at start-up; {@code jobs} knows none of them.
 */
@Component
public class RunHooks {

    /** Why a run stops early; {@code reason} becomes the job's {@code error} and a line of its history. */
    public record Stop(String reason) {
    }

    @FunctionalInterface
    public interface Hook {
        /** Called after epoch {@code m} (not the last) of {@code job} is stored; a Stop ends the run PRUNED. */
        Optional<Stop> afterEpoch(Job job, EpochMetrics m);
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
}
