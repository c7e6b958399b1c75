package io.nograd.cluster;

import java.util.List;

/**
 * What {@code GET /cluster} returns: the cluster's name, the node answering, every member as that node sees
 * it, and how many jobs wait in the shared queue.
 */
public record ClusterView(String name, String node, List<ClusterMember> members, long queued) {

    /** A member: its node name, Hazelcast member id, address, whether it answered, slots and running jobs. */
    public record ClusterMember(String node, String member, String address, boolean local, Integer slots, List<RunningAttempt> running) {}

    /** A job running on a member, with the attempt that member holds. */
    public record RunningAttempt(String id, int attempt) {}
}
