package io.nograd.live;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

import io.nograd.system.NogradProperties;

/**
 * Every {@code nograd.live.keep-alive} (15 s), asks every live subscriber for its transport's keep-alive. A
 * lifted solver's epoch can take minutes without an event, and proxies (nginx: 60 s) and clients with read
 * timeouts would otherwise close a quiet SSE stream or WebSocket. It goes through each subscriber's queue, so
 * it never interleaves with an event being sent on the same connection.
 */
@Component
class KeepAlive {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nograd-live-keep-alive");
        t.setDaemon(true);
        return t;
    });

    KeepAlive(LiveHub hub, NogradProperties props) {
        long millis = props.live().keepAlive().toMillis();
        timer.scheduleAtFixedRate(() -> hub.publish(LiveEvent.KEEP_ALIVE), millis, millis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
