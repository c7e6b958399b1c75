package io.nograd.system;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Refuses to start on an address other machines can reach ({@code server.address} not loopback, or unset,
 * which means every interface) unless a token is set or the operator opts out explicitly with
 * {@code nograd.security.allow-open-network=true}: an open server on the network lets anyone train, read
 * and delete jobs.
 */
@Component
public class ExposureCheck {

    private static final Logger log = LoggerFactory.getLogger(ExposureCheck.class);

    public ExposureCheck(NogradProperties props, @Value("${server.address:}") String address) {
        if (props.security().enabled() || isLoopback(address)) return;
        String where = address == null || address.isBlank() ? "every interface (server.address is unset)" : "address " + address;
        if (props.security().allowOpenNetwork()) {
            log.warn("serving on {} without a token (nograd.security.allow-open-network=true): anyone who reaches the port controls the server", where);
            return;
        }
        throw new IllegalStateException("refusing to serve on " + where + " without a token: set nograd.security.token "
                + "(NOGRAD_SECURITY_TOKEN), bind to 127.0.0.1 (server.address), or accept an open server with "
                + "nograd.security.allow-open-network=true");
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) return false;
        try {
            return InetAddress.getByName(address.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
