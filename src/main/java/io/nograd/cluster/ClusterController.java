package io.nograd.cluster;

import com.hazelcast.core.HazelcastInstance;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.nograd.system.NotFoundException;

/**
 * {@code GET /cluster}: this node, every member with its slots and running jobs, and the cluster's queue.
 * Registered on a single node too (so the API description and the dashboard's types have it), where it
 * answers 404: there is no cluster.
 */
@RestController
public class ClusterController {

    private final ObjectProvider<ClusterDispatch> dispatch;
    private final ObjectProvider<HazelcastInstance> hz;

    public ClusterController(ObjectProvider<ClusterDispatch> dispatch, ObjectProvider<HazelcastInstance> hz) {
        this.dispatch = dispatch;
        this.hz = hz;
    }

    @GetMapping("/cluster")
    public ClusterView cluster() {
        ClusterDispatch d = dispatch.getIfAvailable();
        HazelcastInstance h = hz.getIfAvailable();
        if (d == null || h == null) {
            throw new NotFoundException("this node runs alone, not in a cluster (start every node with nograd.cluster.enabled=true to get one)");
        }
        return new ClusterView(h.getConfig().getClusterName(), d.node(), d.members(), d.queued());
    }
}
