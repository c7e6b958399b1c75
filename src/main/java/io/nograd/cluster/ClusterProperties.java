package io.nograd.cluster;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code nograd.cluster.*} properties. Without {@code enabled=true} none of them matters: the node runs
 * alone on its own database, and no Hazelcast member is started.
 *
 * @param enabled        join a cluster (needs a shared {@code spring.datasource.url}, PostgreSQL)
 * @param name           the Hazelcast cluster name; nodes with another name never join this cluster
 * @param members        the TCP-IP join list, {@code host:port} each (this node may be among them)
 * @param port           this node's Hazelcast port
 * @param bindAddress    the interface Hazelcast binds to and announces, e.g. {@code 127.0.0.1} or a LAN address
 * @param nodeName       how this node is named in {@code GET /jobs/{id}} and {@code GET /cluster}; the
 *                       Hazelcast address when empty
 * @param failureTimeout how long a silent member stays in the cluster before it is declared dead and its
 *                       jobs resume elsewhere
 * @param pollInterval   how often an idle worker looks at the queue when no wake-up reached it
 */
@ConfigurationProperties("nograd.cluster")
public record ClusterProperties(@DefaultValue("false") boolean enabled,
                                @DefaultValue("nograd") String name,
                                @DefaultValue List<String> members,
                                @DefaultValue("5701") int port,
                                String bindAddress,
                                String nodeName,
                                @DefaultValue("10s") Duration failureTimeout,
                                @DefaultValue("1s") Duration pollInterval) {

    public ClusterProperties {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("nograd.cluster.port must be 1..65535");
        if (failureTimeout.toSeconds() < 2) throw new IllegalArgumentException("nograd.cluster.failure-timeout must be at least 2s");
        if (pollInterval.toMillis() < 10) throw new IllegalArgumentException("nograd.cluster.poll-interval must be at least 10ms");
    }
}
