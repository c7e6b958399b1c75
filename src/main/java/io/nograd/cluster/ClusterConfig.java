package io.nograd.cluster;

import java.util.List;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

import io.nograd.jobs.JobRepository;
import io.nograd.jobs.JobRunner;
import io.nograd.jobs.RunEvents;
import io.nograd.system.NogradProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cluster mode's beans, only with {@code nograd.cluster.enabled=true}. The Hazelcast member is built here in
 * code, never from a {@code hazelcast.yaml}/{@code .xml} found on the class path or in the working
 * directory (Spring Boot's Hazelcast auto-configuration is not on the class path at all).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("nograd.cluster.enabled")
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterConfig {

    /** Member attributes every node publishes: its name and its job slots. */
    static final String NODE = "nograd.node";
    static final String SLOTS = "nograd.slots";

    /** Refuses to start a member on a database only this node sees: the queue and history must be shared. */
    @Bean(destroyMethod = "shutdown")
    public HazelcastInstance hazelcast(ClusterProperties cluster, NogradProperties props, Environment env) {
        String url = env.getProperty("spring.datasource.url", "");
        if (url.isBlank() || url.startsWith("jdbc:h2:file:") || url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:h2:./")) {
            throw new IllegalStateException("nograd.cluster.enabled=true needs a database every node shares: set spring.datasource.url="
                    + "jdbc:postgresql://host:5432/nograd (and username, password) on every node; "
                    + (url.isBlank() ? "none is set" : url + " is this node's own file"));
        }
        return Hazelcast.newHazelcastInstance(config(cluster, props.jobs().concurrency()));
    }

    /**
     * The member's configuration: the cluster name, TCP-IP join from {@code members}, multicast and
     * auto-detection off, no phone-home, no shutdown hook of its own (Spring stops the member after the
     * dispatch has handed its jobs back), and failure detection within {@code failure-timeout}.
     */
    static Config config(ClusterProperties cluster, int slots) {
        Config c = new Config();
        c.setClusterName(cluster.name());
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(cluster.failureTimeout().toSeconds()));
        c.getJetConfig().setEnabled(false);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(cluster.port()).setPortAutoIncrement(false);
        if (cluster.bindAddress() != null && !cluster.bindAddress().isBlank()) {
            c.setProperty("hazelcast.socket.bind.any", "false");
            net.getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.bindAddress()));
            net.setPublicAddress(cluster.bindAddress() + ":" + cluster.port());
        }
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
        String node = cluster.nodeName() == null || cluster.nodeName().isBlank()
                ? (cluster.bindAddress() == null || cluster.bindAddress().isBlank() ? hostName() : cluster.bindAddress()) + ":" + cluster.port()
                : cluster.nodeName();
        c.getMemberAttributeConfig().setAttribute(NODE, node);
        c.getMemberAttributeConfig().setAttribute(SLOTS, Integer.toString(slots));
        return c;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    @Bean
    @Primary
    public ClusterRunEvents clusterRunEvents(HazelcastInstance hz, List<RunEvents.Listener> listeners, JsonMapper json) {
        return new ClusterRunEvents(hz, listeners, json);
    }

    @Bean
    public ClusterDispatch clusterDispatch(HazelcastInstance hz, JobRepository repo, JobRunner runner, ClusterRunEvents events,
                                           NogradProperties props, ClusterProperties cluster) {
        return new ClusterDispatch(hz, repo, runner, events, props.jobs().concurrency(), props.jobs().queueCapacity(), cluster.pollInterval());
    }
}
