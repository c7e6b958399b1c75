package io.nograd.live;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobStatus;
import io.nograd.jobs.RunEvent;
import io.nograd.jobs.RunEvents;
import io.nograd.system.NogradProperties;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one in-process fan-out that feeds WebSocket and SSE subscribers. {@link #publish} only appends to
 * each subscriber's bounded queue and never waits: every subscriber is drained by its own task on a
 * shared, bounded pool, so a slow or dead client delays nobody but itself, and one that falls
 * {@link Subscriber#MAX_PENDING} events behind is dropped (and ended by its own sender, not the publisher).
 * At most {@code nograd.live.max-connections} clients are served at once. It hears of jobs through the {@link RunEvents}
 * seam that {@code jobs} owns.
 */
@Component
public class LiveHub implements RunEvents.Listener {

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threads = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final int maxConnections;
    /**
     * Sender tasks: at most one per subscriber at a time, so {@code maxConnections} threads serve them all
     * and a stuck client holds one thread, never another's. Idle threads end after 30 s.
     */
    private final ThreadPoolExecutor senders;
    private final JsonMapper json;

    public LiveHub(JsonMapper json, NogradProperties props) {
        this.json = json;
        this.maxConnections = props.live().maxConnections();
        this.senders = new ThreadPoolExecutor(maxConnections, maxConnections, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "nograd-live-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        senders.allowCoreThreadTimeOut(true);
    }

    /** Takes a connection slot for a new WebSocket or SSE client; false when all {@code nograd.live.max-connections} are taken. */
    boolean tryOpen() {
        if (open.incrementAndGet() <= maxConnections) return true;
        open.decrementAndGet();
        return false;
    }

    /** Gives a slot back (a subscriber ended, or a handshake that took one did not become one). */
    void release() {
        open.decrementAndGet();
    }

    /** What a refused client is told. */
    String fullMessage() {
        return "this server already serves " + maxConnections + " live connections (nograd.live.max-connections); retry later";
    }

    @Override
    public void onRunEvent(RunEvent event) {
        if (event instanceof RunEvent.Epoch e) {
            publishEpoch(e.jobId(), e.metrics());
        } else if (event instanceof RunEvent.Status s) {
            publishStatus(s.jobId(), s.status(), s.error());
        }
    }

    public void publish(LiveEvent event) {
        for (Subscriber s : subscribers) s.offer(event);
    }

    public void publishEpoch(String jobId, EpochMetrics m) {
        publish(epochEvent(jobId, m));
    }

    public void publishStatus(String jobId, JobStatus status, String error) {
        publish(statusEvent(jobId, status, error));
    }

    /**
     * The {@code epoch} event of DESIGN §4: the metrics row as Jackson writes it for {@code GET /jobs/{id}/metrics},
     * with {@code type} and {@code jobId} in front.
     */
    public LiveEvent epochEvent(String jobId, EpochMetrics m) {
        ObjectNode body = json.createObjectNode();
        body.put("type", "epoch");
        body.put("jobId", jobId);
        body.setAll((ObjectNode) json.valueToTree(m));
        return new LiveEvent(jobId, "epoch", m.epoch(), false, json.writeValueAsString(body));
    }

    public LiveEvent statusEvent(String jobId, JobStatus status, String error) {
        return new LiveEvent(jobId, "status", null, status.isFinal(),
                json.writeValueAsString(new StatusEvent("status", jobId, status.name(), error)));
    }

    /** The {@code status} event of DESIGN §4. */
    record StatusEvent(String type, String jobId, String status, String error) {
    }

    /** WebSocket and SSE clients following jobs now. */
    public int subscriberCount() {
        return subscribers.size();
    }

    void subscribe(Subscriber s) {
        subscribers.add(s);
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    java.util.concurrent.Executor senders() {
        return senders;
    }

    @PreDestroy
    void close() {
        for (Subscriber s : subscribers) s.close();
        senders.shutdownNow();
    }
}
