package io.nograd.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.util.unit.DataSize;

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

    /**
     * @param maxUploads        uploaded datasets kept at once ({@code DELETE /datasets/{name}} frees a place)
     * @param maxUploadBytes    their CSV files' total size; each is also held in memory as float32 features
     */
    public record Datasets(@DefaultValue("/usr/share/datasets/fashion-mnist") Path fashionMnistDir,
                           @DefaultValue("/usr/local/share/datasets/mnist") Path mnistDir,
                           @DefaultValue("20") int maxUploads,
                           @DefaultValue("1GB") DataSize maxUploadBytes) {
        public Datasets {
            if (maxUploads < 0) throw new IllegalArgumentException("nograd.datasets.max-uploads must not be negative");
        }
    }

    /**
     * @param concurrency   jobs running at once; 1 lets one job use every core through multi-threaded BLAS
     * @param queueCapacity jobs waiting behind the running ones before {@code POST /jobs} answers 429
     * @param maxWork       a job's compute budget, epochs × training samples × weights; a spec over it is a 400
     * @param maxDuration   a job's wall-time budget (time spent training, summed over restarts is not
     *                      tracked: each attempt gets it); a job still training then ends FAILED, saying so
     */
    public record Jobs(@DefaultValue("1") int concurrency, @DefaultValue("100") int queueCapacity,
                       @DefaultValue("1e15") double maxWork, @DefaultValue("24h") Duration maxDuration) {
        public Jobs {
            if (!(maxWork > 0)) throw new IllegalArgumentException("nograd.jobs.max-work must be positive");
            if (maxDuration.isNegative() || maxDuration.isZero()) throw new IllegalArgumentException("nograd.jobs.max-duration must be positive");
            if (concurrency < 1) throw new IllegalArgumentException("nograd.jobs.concurrency must be at least 1");
            if (queueCapacity < 0) throw new IllegalArgumentException("nograd.jobs.queue-capacity must not be negative");
        }
    }

    /**
     * @param keepAlive how often an idle SSE stream gets a comment line and a WebSocket a ping, so proxies
     *                  and clients with read timeouts keep the connection through epochs that take minutes
     * @param maxConnections WebSocket and SSE connections open at once; one more is refused with 429. Each
     *                  has at most one sender thread at a time, so this also bounds the sender pool
     */
    public record Live(@DefaultValue("15s") Duration keepAlive, @DefaultValue("256") int maxConnections) {
        public Live {
            if (keepAlive.isNegative() || keepAlive.isZero()) throw new IllegalArgumentException("nograd.live.keep-alive must be positive");
            if (maxConnections < 1) throw new IllegalArgumentException("nograd.live.max-connections must be at least 1");
        }
    }

    /**
     * @param token            when non-blank, every request but {@code GET /actuator/health} must carry it
     * @param allowedHosts     host names the Host and Origin headers may carry besides the bound address (and,
     *                         when bound to loopback, localhost): the names a proxy or DNS gives this server
     * @param allowOpenNetwork start on a non-loopback address without a token anyway (the operator's explicit
     *                         opt-out; anyone who reaches the port can then train, read and delete jobs)
     */
    public record Security(String token, @DefaultValue List<String> allowedHosts, @DefaultValue("false") boolean allowOpenNetwork) {
        public Security {
            allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream().map(String::trim).filter(h -> !h.isEmpty()).toList();
        }

        public boolean enabled() {
            return token != null && !token.isBlank();
        }
    }
}
