package io.nograd.sweeps;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.nograd.jobs.RunEvent;
import io.nograd.jobs.RunEvents;

/**
 * Follows the jobs' event seam: a final status of any job frees a slot, so the sweeps release their next
 * cells. The service is looked up lazily: it needs {@code JobService}, which needs the seam this listener is
 * part of.
 */
@Component
class SweepEvents implements RunEvents.Listener {

    private final ObjectProvider<SweepService> sweeps;

    SweepEvents(ObjectProvider<SweepService> sweeps) {
        this.sweeps = sweeps;
    }

    @Override
    public void onRunEvent(RunEvent event) {
        if (event instanceof RunEvent.Status s && s.status().isFinal()) sweeps.getObject().jobEnded(s.jobId());
    }
}
