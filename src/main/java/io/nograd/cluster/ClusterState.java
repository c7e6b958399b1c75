package io.nograd.cluster;

/**
 * What {@code GET /cluster} reads. No Hazelcast type appears here or in {@link ClusterController}, so a
 * single node, where no bean implements this, never loads a Hazelcast class.
 */
public interface ClusterState {

    ClusterView view();
}
