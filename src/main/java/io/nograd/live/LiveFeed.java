package io.nograd.live;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.Job;
import io.nograd.jobs.JobService;

/** Starts a subscriber: registers it, then replays what the job has done so far (DESIGN §4 "replays on connect"). */
@Component
class LiveFeed {

    private final LiveHub hub;
    private final JobService jobs;

    LiveFeed(LiveHub hub, JobService jobs) {
        this.hub = hub;
        this.jobs = jobs;
    }

    /**
     * Follows one job: its stored epochs after {@code afterEpoch}, its final status if it has ended, then
     * every later event.
     */
    void follow(Subscriber s, String jobId, int afterEpoch) {
        s.after(afterEpoch);
        s.register();
        List<LiveEvent> replay = new ArrayList<>();
        for (EpochMetrics m : jobs.epochs(jobId)) replay.add(hub.epochEvent(jobId, m));
        Job job = jobs.get(jobId);
        if (job.status().isFinal()) replay.add(hub.statusEvent(jobId, job.status(), job.error()));
        s.start(replay);
    }

    /** Follows every job from now on (no replay). */
    void followAll(Subscriber s) {
        s.register();
        s.start(List.of());
    }
}
