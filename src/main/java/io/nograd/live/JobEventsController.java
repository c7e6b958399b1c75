package io.nograd.live;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.nograd.jobs.JobService;
import io.nograd.system.TooManyRequestsException;

/**
 * {@code GET /jobs/{id}/events}: Server-Sent Events, {@code curl -N} friendly. The epochs so far (each
 * with {@code id: <epoch>}), then live {@code epoch} and {@code status} events; the stream closes after
 * the final status. A reconnecting client's {@code Last-Event-ID} skips the epochs it already has.
 */
@RestController
class JobEventsController {

    private final LiveFeed feed;
    private final LiveHub hub;
    private final JobService jobs;

    JobEventsController(LiveFeed feed, LiveHub hub, JobService jobs) {
        this.feed = feed;
        this.hub = hub;
        this.jobs = jobs;
    }

    @GetMapping(path = "/jobs/{id}/events", produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.ALL_VALUE})
    SseEmitter events(@PathVariable String id, @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        jobs.get(id);
        int after = 0;
        if (lastEventId != null) {
            try {
                after = Math.max(0, Integer.parseInt(lastEventId.trim()));
            } catch (NumberFormatException e) {
                after = 0;
            }
        }
        if (!hub.tryOpen()) throw new TooManyRequestsException(hub.fullMessage(), 5);
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber s = new Subscriber(hub, id) {
            @Override
            protected void send(LiveEvent e) throws Exception {
                SseEmitter.SseEventBuilder event = SseEmitter.event();
                if (e.epoch() != null) event.id(Integer.toString(e.epoch()));
                emitter.send(event.name(e.type()).data(e.json()));
            }

            @Override
            protected void end() {
                emitter.complete();
            }

            @Override
            protected void keepAlive() throws Exception {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            }
        };
        emitter.onCompletion(s::close);
        emitter.onError(t -> s.close());
        emitter.onTimeout(s::close);
        feed.follow(s, id, after);
        return emitter;
    }
}
