package io.nograd.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import com.hazelcast.core.HazelcastInstance;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /cluster}: this node, every member with its slots and running jobs, and the cluster's queue. */
@RestController
@ConditionalOnBooleanProperty("nograd.cluster.enabled")
public class ClusterController {

    private final ClusterDispatch dispatch;
    private final HazelcastInstance hz;

    public ClusterController(ClusterDispatch dispatch, HazelcastInstance hz) {
        this.dispatch = dispatch;
        this.hz = hz;
    }

    @GetMapping("/cluster")
    public Map<String, Object> cluster() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", hz.getConfig().getClusterName());
        out.put("node", dispatch.node());
        out.put("members", dispatch.members());
        out.put("queued", dispatch.queued());
        return out;
    }
}
