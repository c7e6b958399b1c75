package io.nograd.cluster;

import java.util.List;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobStatus;
import io.nograd.jobs.RunEvent;
import io.nograd.jobs.RunEvents;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link RunEvents} across the cluster: every event goes, as JSON keyed by (job, attempt), to one Hazelcast
 * ReliableTopic (a replicated ring buffer), and every node, this one included, delivers what the topic
 * brings to its own listeners (the live feed), in the topic's order. A job's events all come from the one
 * worker that holds its attempt, so each node sees them in the order they happened; a client's replay
 * from the database and the live events meet in the live feed, which drops any epoch already sent.
 */
public class ClusterRunEvents implements RunEvents {

    static final String TOPIC = "nograd-run-events";
    private static final Logger log = LoggerFactory.getLogger(ClusterRunEvents.class);

    /** The topic's message: one of the two {@link RunEvent}s, flattened. */
    record Wire(String kind, String jobId, int attempt, EpochMetrics metrics, JobStatus status, String error) {
    }

    private final ITopic<String> topic;
    private final List<RunEvents.Listener> listeners;
    private final JsonMapper json;
    private final UUID registration;

    public ClusterRunEvents(HazelcastInstance hz, List<RunEvents.Listener> listeners, JsonMapper json) {
        this.topic = hz.getReliableTopic(TOPIC);
        this.listeners = List.copyOf(listeners);
        this.json = json;
        this.registration = topic.addMessageListener(m -> deliver(m.getMessageObject()));
    }

    @Override
    public void publish(RunEvent event) {
        Wire w = event instanceof RunEvent.Epoch e ? new Wire("epoch", e.jobId(), e.attempt(), e.metrics(), null, null)
                : event instanceof RunEvent.Status s ? new Wire("status", s.jobId(), s.attempt(), null, s.status(), s.error())
                : null;
        if (w == null) throw new IllegalArgumentException("unknown run event " + event);
        topic.publish(json.writeValueAsString(w));
    }

    private void deliver(String message) {
        Wire w = json.readValue(message, Wire.class);
        RunEvent event = "epoch".equals(w.kind()) ? new RunEvent.Epoch(w.jobId(), w.attempt(), w.metrics())
                : new RunEvent.Status(w.jobId(), w.attempt(), w.status(), w.error());
        for (RunEvents.Listener l : listeners) {
            try {
                l.onRunEvent(event);
            } catch (RuntimeException e) {
                log.warn("run event listener {} failed on {}: {}", l.getClass().getSimpleName(), event, e.toString());
            }
        }
    }

    void close() {
        topic.removeMessageListener(registration);
    }
}
