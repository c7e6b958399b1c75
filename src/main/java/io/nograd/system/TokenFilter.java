package io.nograd.system;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * When {@code nograd.security.token} is set, every request must carry {@code Authorization: Bearer
 * <token>}; browsers cannot set headers on a WebSocket (nor on an {@code EventSource}), so {@code ?token=}
 * is accepted as well. Exempt: {@code GET /actuator/health} (liveness probes) and the dashboard's static
 * files, which hold no data (the dashboard then sends the token itself). Unset, the server is open, and
 * listens on localhost only by default ({@code server.address}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class TokenFilter extends OncePerRequestFilter {

    private final byte[] token;
    private final JsonMapper json;

    public TokenFilter(NogradProperties props, JsonMapper json) {
        this.token = props.security().enabled() ? props.security().token().getBytes(StandardCharsets.UTF_8) : null;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (token == null) return true;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        return read && (path.equals("/actuator/health") || path.startsWith("/actuator/health/") || isStatic(path));
    }

    private static boolean isStatic(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/assets/") || path.startsWith("/favicon");
    }

    /** {@code token} from the query string only: reading parameters would consume a form-encoded body. */
    static String queryToken(String query) {
        if (query == null) return null;
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
        }
        return null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = null;
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).trim();
        } else {
            given = queryToken(request.getQueryString());
        }
        if (given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        String detail = given == null
                ? "this server requires a token: send 'Authorization: Bearer <token>' (or ?token=<token> for WebSocket and SSE)"
                : "the token is wrong";
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader("WWW-Authenticate", "Bearer realm=\"nograd\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Unauthorized");
        body.put("status", HttpStatus.UNAUTHORIZED.value());
        body.put("detail", detail);
        body.put("instance", request.getRequestURI());
        body.put("errors", List.of(Map.of("field", "Authorization", "message", detail)));
        json.writeValue(response.getOutputStream(), body);
    }
}
