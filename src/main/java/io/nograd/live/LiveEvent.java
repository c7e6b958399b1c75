package io.nograd.live;

/**
 * One message of the live feed, serialised once and sent as it is to every subscriber: an {@code epoch}
 * event ({@link #epoch} set) or a {@code status} event ({@link #terminal} when the job has ended).
 *
 * @param json the WebSocket message and the SSE {@code data:} alike
 */
public record LiveEvent(String jobId, String type, Integer epoch, boolean terminal, String json) {

    /** Not an event: tells every subscriber to send its transport's keep-alive (an SSE comment, a WebSocket ping). */
    static final LiveEvent KEEP_ALIVE = new LiveEvent(null, "keep-alive", null, false, "");
}
