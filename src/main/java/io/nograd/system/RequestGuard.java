package io.nograd.system;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps web pages from driving the server, before authentication runs:
 * <ul>
 * <li>Host: an IP literal, {@code localhost} (or a {@code *.localhost} name), or a name in
 * {@code nograd.security.allowed-hosts}. DNS rebinding needs a name the attacker controls that resolves to
 * this server; such a name is refused, so a rebound page can neither read nor open a WebSocket.</li>
 * <li>Origin, when a browser sends one: the request's own origin (same scheme-less host and port as Host),
 * a loopback page (the dashboard's dev server), or an allowed host. A cross-site page's write, even a
 * "simple" {@code no-cors} one, is refused.</li>
 * <li>Content-Type on writes with a body: {@code application/json} (or none) for {@code POST /jobs},
 * {@code POST /sweeps} and {@code POST /jobs/{id}/predict}, {@code multipart/form-data} for {@code POST /datasets}; the types a
 * cross-site form or {@code text/plain} fetch can send without a preflight are refused with 415.</li>
 * </ul>
 * {@code GET /actuator/health} is exempt from the Host check, so probes may use any name.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class RequestGuard extends OncePerRequestFilter {

    private final Set<String> allowedHosts;
    private final JsonMapper json;

    public RequestGuard(NogradProperties props, JsonMapper json) {
        this.allowedHosts = Set.copyOf(props.security().allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = TokenFilter.path(request);
        String host = request.getHeader("Host");
        if (!path.equals("/actuator/health") && !path.startsWith("/actuator/health/")) {
            String name = host == null ? null : hostName(host);
            if (name == null || !hostAllowed(name)) {
                refuse(response, path, HttpStatus.MISDIRECTED_REQUEST, "Host",
                        "this server does not answer to Host '" + host + "'; use its IP address or localhost, or add the name to nograd.security.allowed-hosts");
                return;
            }
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin, host)) {
            refuse(response, path, HttpStatus.FORBIDDEN, "Origin",
                    "requests from the page at '" + origin + "' are refused: only this server's own pages (or a loopback page, or a name in nograd.security.allowed-hosts) may call it");
            return;
        }
        String expected = expectedType(request.getMethod(), path);
        // No Content-Type at all is read as JSON (scripts that post raw bytes); a cross-site page that sends a
        // body without a type (a Blob) is stopped by the Origin check above, as browsers always send Origin then.
        boolean untypedJson = request.getContentType() == null && MediaType.APPLICATION_JSON_VALUE.equals(expected);
        if (expected != null && !untypedJson && !typeMatches(request.getContentType(), expected)) {
            refuse(response, path, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type",
                    "send this request with Content-Type: " + expected + (request.getContentType() == null ? "" : ", not " + request.getContentType()));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The Content-Type a write must declare, or null when any (or none) is fine. */
    static String expectedType(String method, String path) {
        if (!"POST".equals(method)) return null;
        if (path.equals("/jobs") || path.equals("/sweeps") || (path.startsWith("/jobs/") && path.endsWith("/predict"))) {
            return MediaType.APPLICATION_JSON_VALUE;
        }
        if (path.equals("/datasets")) return MediaType.MULTIPART_FORM_DATA_VALUE;
        return null;
    }

    private static boolean typeMatches(String contentType, String expected) {
        if (contentType == null) return false;
        try {
            MediaType given = MediaType.parseMediaType(contentType);
            MediaType want = MediaType.parseMediaType(expected);
            if (want.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)) {
                return given.equalsTypeAndSubtype(want) || ("application".equals(given.getType()) && given.getSubtype().endsWith("+json"));
            }
            return given.equalsTypeAndSubtype(want);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The host part of a Host header value ({@code name}, {@code name:port}, {@code [v6]:port}), lower-case; null if malformed. */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.isEmpty()) return null;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    boolean hostAllowed(String name) {
        return isLoopbackName(name) || isIpLiteral(name) || allowedHosts.contains(name);
    }

    static boolean isLoopbackName(String name) {
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]") || (name.startsWith("127.") && isIpLiteral(name));
    }

    static boolean isIpLiteral(String name) {
        if (name.startsWith("[") && name.endsWith("]")) return name.length() > 2 && name.substring(1, name.length() - 1).matches("[0-9a-f:.]+");
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) return false;
        }
        return true;
    }

    boolean originAllowed(String origin, String hostHeader) {
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) return false;
        String name = uri.getHost().toLowerCase(Locale.ROOT);
        if (name.contains(":") && !name.startsWith("[")) name = "[" + name + "]";
        if (isLoopbackName(name) || allowedHosts.contains(name)) return true;
        if (hostHeader == null) return false;
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        String hName = hostName(h);
        String rest = hName == null ? "" : h.substring(hName.length());
        int hPort = rest.startsWith(":") ? parsePort(rest.substring(1)) : port;
        return name.equals(hName) && port == hPort;
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(HttpServletResponse response, String path, HttpStatus status, String field, String detail) throws IOException {
        writeProblem(json, response, path, status, field, detail);
    }

    /** A problem+json answer written by a filter, before Spring MVC's advice can. */
    static void writeProblem(JsonMapper json, HttpServletResponse response, String path, HttpStatus status, String field, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", path);
        body.put("errors", List.of(Map.of("field", field, "message", detail)));
        json.writeValue(response.getOutputStream(), body);
    }
}
