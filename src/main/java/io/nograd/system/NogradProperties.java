package io.nograd.system;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code nograd.*} properties (DESIGN §9), each with a working default.
 *
 * @param dataDir  the H2 file and the weight artifacts ({@code artifacts/{jobId}/}) live here
 * @param datasets where the built-in IDX datasets are installed
 * @param jobs     how many jobs train at once and how many may wait
 * @param security the optional bearer token
 * @param live     the live feed's keep-alive
 */
@ConfigurationProperties("nograd")
public record NogradProperties(@DefaultValue("./data") Path dataDir,
                               @DefaultValue Datasets datasets,
                               @DefaultValue Jobs jobs,
                               @DefaultValue Security security,
                               @DefaultValue Live live) {

    public record Datasets(@DefaultValue("/usr/share/datasets/fashion-mnist") Path fashionMnistDir,
                           @DefaultValue("/usr/local/share/datasets/mnist") Path mnistDir) {
    }

    /**
     * @param concurrency   jobs running at once; 1 lets one job use every core through multi-threaded BLAS
     * @param queueCapacity jobs waiting behind the running ones before {@code POST /jobs} answers 429
     */
    public record Jobs(@DefaultValue("1") int concurrency, @DefaultValue("100") int queueCapacity) {
        public Jobs {
            if (concurrency < 1) throw new IllegalArgumentException("nograd.jobs.concurrency must be at least 1");
            if (queueCapacity < 0) throw new IllegalArgumentException("nograd.jobs.queue-capacity must not be negative");
        }
    }

    /**
     * @param keepAlive how often an idle SSE stream gets a comment line and a WebSocket a ping, so proxies
     *                  and clients with read timeouts keep the connection through epochs that take minutes
     */
    public record Live(@DefaultValue("15s") Duration keepAlive) {
        public Live {
            if (keepAlive.isNegative() || keepAlive.isZero()) throw new IllegalArgumentException("nograd.live.keep-alive must be positive");
        }
    }

    /** @param token when non-blank, every request but {@code GET /actuator/health} must carry it */
    public record Security(String token) {
        public boolean enabled() {
            return token != null && !token.isBlank();
        }
    }
}
