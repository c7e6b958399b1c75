package io.nograd.system;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

/** Request bodies read whole, but never beyond a bound. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * The request body, at most {@code max} bytes (413 beyond); a client that stops sending or disconnects
     * gets 400 (if it still listens), not a server error.
     */
    public static byte[] read(HttpServletRequest request, int max) {
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(max + 1);
        } catch (IOException e) {
            throw new ValidationException("body", "the request body could not be read (" + e.getClass().getSimpleName()
                    + "); send the whole body without pausing");
        }
        if (body.length > max) throw new PayloadTooLargeException("body", "is larger than the " + max + " bytes this request may send");
        return body;
    }

    /** {@link #read}, and a 400 saying {@code required} (what to send, with an example) when the body is empty. */
    public static byte[] readRequired(HttpServletRequest request, int max, String required) {
        byte[] body = read(request, max);
        if (body.length == 0) throw new ValidationException("body", required);
        return body;
    }

}
