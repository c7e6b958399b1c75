package io.nograd.live;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live client (a WebSocket session or an SSE stream), holding one of the hub's connection slots. It is
 * registered with the hub <em>before</em> the job's stored epochs are read, so nothing published meanwhile
 * is missed; {@link #start} then sends the replay first, page by page from the database, and the queued
 * live events after it, skipping any epoch already sent, so the client sees every epoch exactly once and
 * in order. A subscriber for one job ends after that job's final status.
 * <p>
 * Everything that writes to the client, ending it included, runs on the subscriber's sender task: a
 * publisher (the training worker, the keep-alive timer, a request) only appends to the queue. A client
 * that falls {@link #MAX_PENDING} events behind is marked closed there and then, but its stream is ended
 * by its own sender once the send it may be stuck in returns, so no publisher ever waits on a slow client.
 */
abstract class Subscriber {

    /** Events a client may fall behind before it is dropped. */
    static final int MAX_PENDING = 1000;

    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

    /** The stored part of a job's feed, read a page at a time as the client takes it. */
    interface Replay {
        /** The next stored epoch events after {@code epoch}; empty when there are no more. */
        List<LiveEvent> page(int epoch);

        /** The job's final status event if it has ended, else null; asked once the pages are exhausted. */
        LiveEvent end();
    }

    private final LiveHub hub;
    private final String jobId;
    private final ConcurrentLinkedQueue<LiveEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean started;
    private volatile Replay replay;
    private int lastEpoch;
    private boolean terminalSent;

    /**
     * @param jobId the one job followed, or null for every job. The caller holds a connection slot of the
     *              hub ({@link LiveHub#tryOpen}); the subscriber gives it back when it ends.
     */
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

    /** Sends {@code stored} (null: nothing), then the live events. */
    void start(Replay stored) {
        this.replay = stored;
        started = true;
        schedule();
    }

    void offer(LiveEvent e) {
        if (closed.get() || (e != LiveEvent.KEEP_ALIVE && jobId != null && !jobId.equals(e.jobId()))) return;
        if (size.incrementAndGet() > MAX_PENDING) {
            log.info("dropping a live subscriber that fell {} events behind", MAX_PENDING);
            drop();
            return;
        }
        pending.add(e);
        if (started) schedule();
    }

    private void schedule() {
        if (!draining.compareAndSet(false, true)) return;
        try {
            hub.senders().execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            draining.set(false);
            markClosed();
            endOnce();
        }
    }

    /** On a sender thread: the replay if not sent yet, then the queue; ends the client if it was closed meanwhile. */
    private void drain() {
        try {
            Replay stored = replay;
            if (stored != null) {
                replay = null;
                replay(stored);
            }
            LiveEvent e;
            while (!closed.get() && (e = pending.poll()) != null) {
                size.decrementAndGet();
                deliver(e);
            }
        } catch (Exception ex) {
            markClosed();
        } finally {
            draining.set(false);
        }
        if (closed.get()) {
            endOnce();
        } else if (!pending.isEmpty()) {
            schedule();
        }
    }

    /**
     * The stored pages, then the final status if the job has ended. A job can store its last epochs and end between the
     * last page read and the status read; its final status is stored after all its epochs, so once the status is final
     * the pages are read once more before it is sent (else those epochs, queued live behind the status, would be lost).
     */
    private void replay(Replay stored) throws Exception {
        LiveEvent end = null;
        do {
            List<LiveEvent> page;
            while (!closed.get() && !(page = stored.page(lastEpoch)).isEmpty()) {
                for (LiveEvent e : page) deliver(e);
            }
        } while (end == null && !closed.get() && (end = stored.end()) != null);
        if (end != null) deliver(end);
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
            markClosed();
        }
    }

    /** Skips epochs up to {@code epoch} (SSE {@code Last-Event-ID}). */
    void after(int epoch) {
        lastEpoch = epoch;
    }

    /**
     * From a publisher: stops taking events at once and leaves ending the client to its sender task (the one
     * running now, which ends it when its send returns, or a new one).
     */
    private void drop() {
        markClosed();
        if (draining.compareAndSet(false, true)) {
            try {
                hub.senders().execute(() -> {
                    try {
                        endOnce();
                    } finally {
                        draining.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                draining.set(false);
            }
        }
    }

    /** The transport is gone or the server stops: nothing is sending to it any more that could be waited on long. */
    void close() {
        markClosed();
        endOnce();
    }

    private void markClosed() {
        if (!closed.compareAndSet(false, true)) return;
        hub.unsubscribe(this);
        pending.clear();
    }

    private void endOnce() {
        if (!ended.compareAndSet(false, true)) return;
        hub.release();
        try {
            end();
        } catch (RuntimeException e) {
            log.debug("closing a live subscriber failed", e);
        }
    }
}
