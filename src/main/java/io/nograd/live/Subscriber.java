package io.nograd.live;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live client (a WebSocket session or an SSE stream). It is registered with the hub <em>before</em>
 * the job's stored epochs are read, so nothing published meanwhile is missed; {@link #start} then sends
 * the replay first and the queued live events after it, skipping any epoch already sent, so the client
 * sees every epoch exactly once and in order. A subscriber for one job ends after that job's final status.
 */
abstract class Subscriber {

    /** Events a client may fall behind before it is dropped. */
    static final int MAX_PENDING = 1000;

    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

    private final LiveHub hub;
    private final String jobId;
    private final ConcurrentLinkedQueue<LiveEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean started;
    private List<LiveEvent> replay = List.of();
    private int lastEpoch;
    private boolean terminalSent;

    /** @param jobId the one job followed, or null for every job */
    Subscriber(LiveHub hub, String jobId) {
        this.hub = hub;
        this.jobId = jobId;
    }

    /** Sends one event; an exception ends the subscription. */
    protected abstract void send(LiveEvent event) throws Exception;

    /** Ends the client's stream or session. */
    protected abstract void end();

    /** Sends the transport's keep-alive, which clients do not see as an event; none by default. */
    protected void keepAlive() throws Exception {
    }

    void register() {
        hub.subscribe(this);
    }

    /** Sends {@code replay} (stored epochs, then a final status if the job has ended), then the live events. */
    void start(List<LiveEvent> replayEvents) {
        this.replay = replayEvents;
        started = true;
        schedule();
    }

    void offer(LiveEvent e) {
        if (closed.get() || (e != LiveEvent.KEEP_ALIVE && jobId != null && !jobId.equals(e.jobId()))) return;
        if (size.incrementAndGet() > MAX_PENDING) {
            log.info("dropping a live subscriber that fell {} events behind", MAX_PENDING);
            close();
            return;
        }
        pending.add(e);
        if (started) schedule();
    }

    private void schedule() {
        if (closed.get() || !draining.compareAndSet(false, true)) return;
        try {
            hub.senders().execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            close();
        }
    }

    private void drain() {
        try {
            List<LiveEvent> first = replay;
            replay = List.of();
            for (LiveEvent e : first) deliver(e);
            LiveEvent e;
            while (!closed.get() && (e = pending.poll()) != null) {
                size.decrementAndGet();
                deliver(e);
            }
        } catch (Exception ex) {
            close();
            return;
        } finally {
            draining.set(false);
        }
        if (!pending.isEmpty() && !closed.get()) schedule();
    }

    private void deliver(LiveEvent e) throws Exception {
        if (closed.get()) return;
        if (e == LiveEvent.KEEP_ALIVE) {
            keepAlive();
            return;
        }
        if (jobId != null) {
            if (terminalSent) return;
            if (e.epoch() != null) {
                if (e.epoch() <= lastEpoch) return;
                lastEpoch = e.epoch();
            }
        }
        send(e);
        if (jobId != null && e.terminal()) {
            terminalSent = true;
            close();
        }
    }

    /** Skips epochs up to {@code epoch} (SSE {@code Last-Event-ID}). */
    void after(int epoch) {
        lastEpoch = epoch;
    }

    void close() {
        if (!closed.compareAndSet(false, true)) return;
        hub.unsubscribe(this);
        pending.clear();
        try {
            end();
        } catch (RuntimeException e) {
            log.debug("closing a live subscriber failed", e);
        }
    }
}
