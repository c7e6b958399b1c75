package io.nograd.cluster;

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

    private final ObjectProvider<ClusterState> cluster;

    public ClusterController(ObjectProvider<ClusterState> cluster) {
        this.cluster = cluster;
    }

    @GetMapping("/cluster")
    public ClusterView cluster() {
        ClusterState c = cluster.getIfAvailable();
        if (c == null) {
            throw new NotFoundException("this node runs alone, not in a cluster (start every node with nograd.cluster.enabled=true to get one)");
        }
        return c.view();
    }
}
