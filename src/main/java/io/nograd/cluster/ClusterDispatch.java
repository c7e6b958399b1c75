package io.nograd.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.nograd.jobs.JobDispatch;
import io.nograd.jobs.JobRepository;
import io.nograd.jobs.JobRunner;
import io.nograd.jobs.JobStatus;
import io.nograd.jobs.RunEvent;
import io.nograd.jobs.RunEvents;
import io.nograd.system.TooManyRequestsException;

/**
 * The cluster's job dispatch. The queue is the shared database's {@code QUEUED} rows in creation order;
 * each node runs {@code concurrency} workers, and a worker pulls: only when it is free does it claim the
 * next queued job, by the conditional {@code QUEUED → RUNNING} update that also counts the attempt and
 * records this member as its owner, so exactly one worker in the cluster gets each attempt. Hazelcast
 * carries what must be fast and cluster-wide: wake-ups when a job is queued (a topic, so idle workers do
 * not wait for their poll), the admission lock behind the cluster-wide 429, cancels routed to every node
 * (the one running the job stops it within one batch), and membership: when a member leaves or is
 * declared dead, the survivors queue its jobs again (fenced by attempt) and they resume from their last
 * checkpoint in the database with attempt + 1.
 */
public class ClusterDispatch implements JobDispatch, ClusterState, MembershipListener {

    static final String WAKE = "nograd-wake";
    static final String CANCEL = "nograd-cancel";
    static final String LOCKS = "nograd-locks";
    private static final Logger log = LoggerFactory.getLogger(ClusterDispatch.class);

    private final HazelcastInstance hz;
    private final JobRepository repo;
    private final JobRunner runner;
    private final RunEvents events;
    private final int slots;
    private final int capacity;
    private final Duration poll;
    private final String node;
    private final String owner;
    private final ITopic<String> wake;
    private final ITopic<String> cancel;
    private final IMap<String, String> locks;
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    /** Members seen leaving: their jobs are queued again at once. */
    private final Map<String, String> departed = new ConcurrentHashMap<>();
    /** RUNNING attempts whose owner was unknown at the last sweep (a member of an earlier cluster, say). */
    private volatile Set<String> suspects = Set.of();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nograd-cluster-sweep");
        t.setDaemon(true);
        return t;
    });

    public ClusterDispatch(HazelcastInstance hz, JobRepository repo, JobRunner runner, RunEvents events, int slots, int capacity, Duration poll) {
        this.hz = hz;
        this.repo = repo;
        this.runner = runner;
        this.events = events;
        this.slots = slots;
        this.capacity = capacity;
        this.poll = poll;
        Member me = hz.getCluster().getLocalMember();
        this.node = me.getAttribute(ClusterConfig.NODE) != null ? me.getAttribute(ClusterConfig.NODE) : me.getAddress().toString();
        this.owner = me.getUuid().toString();
        this.wake = hz.getTopic(WAKE);
        this.cancel = hz.getTopic(CANCEL);
        this.locks = hz.getMap(LOCKS);
        wake.addMessageListener(m -> wakeups.release(slots));
        cancel.addMessageListener(m -> {
            AtomicBoolean flag = running.get(m.getMessageObject());
            if (flag != null) flag.set(true);
        });
        hz.getCluster().addMembershipListener(this);
    }

    public String node() {
        return node;
    }

    /**
     * Admits a new job under the cluster-wide admission lock: 429 when {@code queue-capacity} jobs already
     * wait anywhere in the cluster, else the insert, then a wake-up to every node.
     */
    @Override
    public void admit(String id, Runnable persist) {
        locks.lock("admission");
        try {
            long waiting = repo.countQueued();
            if (waiting >= capacity) {
                throw new TooManyRequestsException("the cluster's queue is full: " + waiting + " jobs are waiting (nograd.jobs.queue-capacity = "
                        + capacity + "); retry later", 10);
            }
            persist.run();
        } finally {
            locks.unlock("admission");
        }
        wake.publish(id);
    }

    /** The job's row is already CANCELLED; no node will claim it. */
    @Override
    public boolean withdraw(String id) {
        return true;
    }

    @Override
    public boolean cancelRunning(String id) {
        cancel.publish(id);
        return true;
    }

    @Override
    public int waitingCount() {
        return (int) repo.countQueued();
    }

    @Override
    public boolean isRunning(String id) {
        return repo.find(id).map(j -> j.status() == JobStatus.RUNNING).orElse(false);
    }

    /** Starts the workers and the sweep for dead members' jobs (every few seconds, and on every departure). */
    @Override
    public void recover() {
        for (int i = 1; i <= slots; i++) {
            Thread t = new Thread(this::work, "nograd-job-" + i);
            workers.add(t);
            t.start();
        }
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, 0, Math.max(1000, poll.toMillis() * 3), TimeUnit.MILLISECONDS);
        log.info("cluster node {} (member {}) serves {} job slot(s); {} member(s) now", node, owner, slots, hz.getCluster().getMembers().size());
    }

    private void work() {
        while (!stopping.get()) {
            boolean ran = false;
            try {
                // a member that Hazelcast has let go of claims nothing: the others would take it back as a dead member's job
                List<String> next = hz.getLifecycleService().isRunning() ? repo.queued(2 * slots + 8) : List.of();
                for (String id : next) {
                    if (stopping.get()) break;
                    AtomicBoolean cancelled = new AtomicBoolean();
                    running.put(id, cancelled);
                    try {
                        ran = runner.run(id, node, owner, cancelled::get, stopping::get);
                    } finally {
                        running.remove(id);
                    }
                    if (ran) break;
                }
            } catch (RuntimeException e) {
                if (stopping.get()) break;
                log.warn("cluster worker: {}; retrying", e.toString());
            }
            if (!ran) {
                try {
                    wakeups.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
                    wakeups.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        wake.publish("");
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        Member m = event.getMember();
        departed.put(m.getUuid().toString(), String.valueOf(m.getAttribute(ClusterConfig.NODE)));
        log.info("member {} ({}) left the cluster; its jobs are queued again", m.getUuid(), m.getAttribute(ClusterConfig.NODE));
        sweeper.execute(this::sweepQuietly);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            if (!stopping.get()) log.warn("cluster sweep failed: {}", e.toString());
        }
    }

    /**
     * Queues again every job RUNNING for a member that is not in the cluster: at once for members seen
     * leaving, after two sweeps in a row for owners never seen (members of an earlier cluster, after a
     * restart of all nodes). Every node sweeps; the fenced update lets one of them win.
     */
    void sweep() {
        if (!hz.getLifecycleService().isRunning()) return;
        Set<String> alive = hz.getCluster().getMembers().stream().map(m -> m.getUuid().toString()).collect(Collectors.toSet());
        Set<String> unknown = ConcurrentHashMap.newKeySet();
        boolean requeued = false;
        for (JobRepository.Running r : repo.running()) {
            if (r.owner() != null && alive.contains(r.owner())) continue;
            String key = r.id() + "/" + r.attempt();
            String gone = r.owner() == null ? null : departed.get(r.owner());
            if (gone == null && !suspects.contains(key)) {
                unknown.add(key);
                continue;
            }
            String why = gone != null ? "node " + r.node() + " left the cluster" : "node " + r.node() + " is no longer in the cluster";
            switch (repo.requeueStalled(r.id(), r.attempt(), Instant.now(), why)) {
                case QUEUED_AGAIN -> {
                    log.info("job {} (attempt {}): {}; queued again", r.id(), r.attempt(), why);
                    events.publish(new RunEvent.Status(r.id(), r.attempt(), JobStatus.QUEUED, null));
                    requeued = true;
                }
                case FAILED -> {
                    log.warn("job {} (attempt {}): {}; nodes died under it {} times with no epoch finished in between; marked FAILED",
                            r.id(), r.attempt(), why, JobRepository.MAX_STALLS);
                    events.publish(new RunEvent.Status(r.id(), r.attempt(), JobStatus.FAILED, JobRepository.STALLED));
                }
                case NOT_RUNNING -> { }
            }
        }
        suspects = unknown;
        if (requeued) wake.publish("");
    }

    @Override
    public ClusterView view() {
        return new ClusterView(hz.getConfig().getClusterName(), node, members(), repo.countQueued());
    }

    /** This node's view of the members, with their slots and running jobs. */
    List<ClusterView.ClusterMember> members() {
        Map<String, List<ClusterView.RunningAttempt>> byOwner = repo.running().stream().collect(Collectors.groupingBy(
                r -> String.valueOf(r.owner()), Collectors.mapping(r -> new ClusterView.RunningAttempt(r.id(), r.attempt()), Collectors.toList())));
        List<ClusterView.ClusterMember> out = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            String uuid = m.getUuid().toString();
            String s = m.getAttribute(ClusterConfig.SLOTS);
            out.add(new ClusterView.ClusterMember(m.getAttribute(ClusterConfig.NODE), uuid, m.getAddress().getHost() + ":" + m.getAddress().getPort(),
                    m.localMember(), s == null ? null : Integer.parseInt(s), byOwner.getOrDefault(uuid, List.of())));
        }
        return out;
    }

    /**
     * Stops this node's workers at their next batch, then hands their jobs back to the queue at once (not
     * after the failure timeout), so the other nodes resume them from their checkpoints.
     */
    @PreDestroy
    void shutdown() throws InterruptedException {
        stopping.set(true);
        sweeper.shutdownNow();
        wakeups.release(slots * 2 + 2);
        for (Thread t : workers) t.join(60_000);
        for (Thread t : workers) if (t.isAlive()) t.interrupt();
        try {
            boolean any = false;
            for (JobRepository.Running r : repo.running()) {
                if (!owner.equals(r.owner())) continue;
                if (repo.requeue(r.id(), r.attempt(), Instant.now(), "node " + node + " shut down; queued again to resume from its last checkpoint")) {
                    events.publish(new RunEvent.Status(r.id(), r.attempt(), JobStatus.QUEUED, null));
                    any = true;
                }
            }
            if (any) wake.publish("");
        } catch (RuntimeException e) {
            log.warn("could not hand this node's jobs back at shutdown ({}); the other nodes take them after the failure timeout", e.toString());
        }
    }
}
