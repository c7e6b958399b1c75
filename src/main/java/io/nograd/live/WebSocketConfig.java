package io.nograd.live;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Registers {@code /ws}. Browsers on the same origin and non-browser clients (no Origin header) connect;
 * cross-origin pages only from localhost (the dashboard's dev server).
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
                .setAllowedOriginPatterns("http://localhost:[*]", "http://127.0.0.1:[*]");
    }
}
