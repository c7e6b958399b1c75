package io.nograd.live;

import java.util.Map;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

import io.nograd.jobs.JobService;
import io.nograd.system.NotFoundException;

/**
 * {@code /ws}: plain JSON text messages, the same {@code epoch} and {@code status} events as SSE. With
 * {@code ?job=<id>} it replays that job's epochs first, then follows it and closes (1000) after its final
 * status; without, it streams every job's events from now on. An unknown job id is refused at the
 * handshake with 404, and a connection over {@code nograd.live.max-connections} with 429. Each session is wrapped so a send that stalls for 10 s or buffers 1 MiB closes it.
 */
@Component
class LiveWebSocketHandler extends TextWebSocketHandler implements HandshakeInterceptor {

    private static final String SUBSCRIBER = "nograd.subscriber";
    private static final String JOB = "nograd.job";

    private final LiveFeed feed;
    private final LiveHub hub;
    private final JobService jobs;

    LiveWebSocketHandler(LiveFeed feed, LiveHub hub, JobService jobs) {
        this.feed = feed;
        this.hub = hub;
        this.jobs = jobs;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
                                   Map<String, Object> attributes) {
        String job = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("job");
        if (job != null) {
            try {
                jobs.get(job);
            } catch (NotFoundException e) {
                response.setStatusCode(org.springframework.http.HttpStatus.NOT_FOUND);
                return false;
            }
            attributes.put(JOB, job);
        }
        if (!hub.tryOpen()) {
            response.setStatusCode(org.springframework.http.HttpStatus.TOO_MANY_REQUESTS);
            response.getHeaders().set("Retry-After", "5");
            return false;
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler, Exception exception) {
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession raw) {
        WebSocketSession session = new ConcurrentWebSocketSessionDecorator(raw, 10_000, 1 << 20);
        String job = (String) raw.getAttributes().get(JOB);
        Subscriber s = new Subscriber(hub, job) {
            @Override
            protected void send(LiveEvent e) throws Exception {
                session.sendMessage(new TextMessage(e.json()));
            }

            @Override
            protected void keepAlive() throws Exception {
                session.sendMessage(new PingMessage());
            }

            @Override
            protected void end() {
                try {
                    if (session.isOpen()) session.close(CloseStatus.NORMAL);
                } catch (java.io.IOException e) {
                    // the client is gone already: there is nothing left to close
                }
            }
        };
        raw.getAttributes().put(SUBSCRIBER, s);
        if (job != null) {
            feed.follow(s, job, 0);
        } else {
            feed.followAll(s);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Object s = session.getAttributes().get(SUBSCRIBER);
        if (s instanceof Subscriber sub) sub.close();
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        afterConnectionClosed(session, CloseStatus.SERVER_ERROR);
    }
}
