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

    /** Stored epochs read per page of a replay. */
    static final int PAGE = 200;

    /**
     * Follows one job: its stored epochs after {@code afterEpoch}, read a page at a time by the subscriber's
     * sender, its final status if it has ended, then every later event.
     */
    void follow(Subscriber s, String jobId, int afterEpoch) {
        s.after(afterEpoch);
        s.register();
        s.start(new Subscriber.Replay() {
            @Override
            public List<LiveEvent> page(int epoch) {
                List<LiveEvent> events = new ArrayList<>();
                for (EpochMetrics m : jobs.epochs(jobId, epoch, PAGE)) events.add(hub.epochEvent(jobId, m));
                return events;
            }

            @Override
            public LiveEvent end() {
                Job job = jobs.get(jobId);
                return job.status().isFinal() ? hub.statusEvent(jobId, job.status(), job.error()) : null;
            }
        });
    }

    /** Follows every job from now on (no replay). */
    void followAll(Subscriber s) {
        s.register();
        s.start(null);
    }
}
