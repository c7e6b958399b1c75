package io.nograd.live;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Registers {@code /ws}. Which pages may open it is decided for every request alike by
 * {@code system/RequestGuard} (same origin, loopback pages such as the dashboard's dev server, or
 * {@code nograd.security.allowed-hosts}), which has run before the handshake gets here.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfig implements WebSocketConfigurer {

    private final LiveWebSocketHandler handler;

    WebSocketConfig(LiveWebSocketHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, "/ws").addInterceptors(handler)
                .setAllowedOriginPatterns("*");
    }
}
