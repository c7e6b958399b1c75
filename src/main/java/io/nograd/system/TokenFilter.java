package io.nograd.system;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * When {@code nograd.security.token} is set, every request must carry {@code Authorization: Bearer
 * <token>}. Browsers cannot set headers on a WebSocket nor on an {@code EventSource}, so {@code ?token=} is
 * accepted on those two endpoints only ({@code /ws} and {@code /jobs/{id}/events}); elsewhere a query token
 * would end up in logs and histories. Exempt: {@code GET /actuator/health} (liveness probes) and the
 * dashboard's static files, which hold no data, matched on the decoded and normalised path the servlet
 * dispatches on (so {@code /assets/../jobs} is not exempt). Tokens are compared as SHA-256 digests, in
 * time independent of where they differ and of their length. Unset, the server is open, and listens on
 * localhost only by default ({@code server.address}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class TokenFilter extends OncePerRequestFilter {

    private final byte[] tokenDigest;
    private final JsonMapper json;

    public TokenFilter(NogradProperties props, JsonMapper json) {
        this.tokenDigest = props.security().enabled() ? digest(props.security().token()) : null;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (tokenDigest == null) return true;
        String path = path(request);
        boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        return read && (path.equals("/actuator/health") || path.startsWith("/actuator/health/") || isStatic(path));
    }

    /** The decoded, normalised path within the application, as the dispatcher maps it. */
    static String path(HttpServletRequest request) {
        String servlet = request.getServletPath() == null ? "" : request.getServletPath();
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        return servlet + info;
    }

    private static boolean isStatic(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/assets/") || path.startsWith("/favicon");
    }

    /** The streaming endpoints, which browsers open without custom headers. */
    static boolean acceptsQueryToken(String path) {
        return path.equals("/ws") || (path.startsWith("/jobs/") && path.endsWith("/events") && path.indexOf('/', 6) == path.length() - 7);
    }

    /**
     * {@code token} from the query string only (reading parameters would consume a form-encoded body).
     *
     * @throws IllegalArgumentException when its percent-encoding is malformed
     */
    static String queryToken(String query) {
        if (query == null) return null;
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
        }
        return null;
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = null;
        String problem = null;
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).trim();
        } else if (header != null) {
            problem = "the Authorization header must be 'Bearer <token>'";
        } else if (acceptsQueryToken(path(request))) {
            try {
                given = queryToken(request.getQueryString());
            } catch (IllegalArgumentException e) {
                problem = "the token parameter is not valid percent-encoding";
            }
        } else if (request.getQueryString() != null && (request.getQueryString().startsWith("token=") || request.getQueryString().contains("&token="))) {
            problem = "?token= is accepted only on WebSocket (/ws) and SSE (/jobs/{id}/events); send 'Authorization: Bearer <token>'";
        }
        if (problem == null && given != null && MessageDigest.isEqual(tokenDigest, digest(given))) {
            chain.doFilter(request, response);
            return;
        }
        String detail = problem != null ? problem : given == null
                ? "this server requires a token: send 'Authorization: Bearer <token>' (or ?token=<token> for WebSocket and SSE)"
                : "the token is wrong";
        response.setHeader("WWW-Authenticate", "Bearer realm=\"nograd\"");
        RequestGuard.writeProblem(json, response, path(request), HttpStatus.UNAUTHORIZED, "Authorization", detail);
    }
}
