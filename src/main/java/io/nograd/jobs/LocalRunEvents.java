package io.nograd.jobs;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** {@link RunEvents} within one process: every listener bean receives every event, synchronously. */
@Component
class LocalRunEvents implements RunEvents {

    private static final Logger log = LoggerFactory.getLogger(LocalRunEvents.class);

    private final List<RunEvents.Listener> listeners;

    LocalRunEvents(List<RunEvents.Listener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** A listener that throws does not stop the others, nor the run that published. */
    @Override
    public void publish(RunEvent event) {
        for (RunEvents.Listener l : listeners) {
            try {
                l.onRunEvent(event);
            } catch (RuntimeException e) {
                log.warn("run event listener {} failed on {}: {}", l.getClass().getSimpleName(), event, e.toString());
            }
        }
    }
}
