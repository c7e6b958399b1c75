package io.nograd.jobs;

/**
 * The one seam through which jobs publish their {@link RunEvent}s. Features that follow jobs (the live
 * feed) implement {@link Listener} as Spring beans; {@code jobs} knows none of them. The in-process
 * implementation is {@link LocalRunEvents}; a distributed one would publish to a topic and deliver to the
 * same listeners on every node.
 */
public interface RunEvents {

    /** Delivers {@code event} to every listener, in the caller's thread; must not block on a slow listener. */
    void publish(RunEvent event);

    /** Receives every run event; must return quickly (queue the work, never wait on a client). */
    @FunctionalInterface
    interface Listener {
        void onRunEvent(RunEvent event);
    }
}
