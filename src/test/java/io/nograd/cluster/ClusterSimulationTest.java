package io.nograd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.FencedException;
import io.nograd.jobs.Job;
import io.nograd.jobs.JobRepository;
import io.nograd.jobs.JobRunner;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobStatus;

/**
 * Ten Hazelcast members in one JVM, each with the real {@link ClusterDispatch} (two slots) on one real
 * PostgreSQL, and a stub runner in place of training: it claims the job through the repository, sleeps
 * per epoch and writes each epoch row through the attempt's fence, resuming after the last stored epoch.
 * 200 jobs are posted while three random members are terminated abruptly (no hand-back, their workers
 * may still try one last write). Every job must end SUCCEEDED once, with epochs 1..E each stored once by
 * attempts that never interleave, and the surviving members' shares within 2x of their mean.
 */
class ClusterSimulationTest {

    static final int MEMBERS = 10;
    static final int SLOTS = 2;
    static final int JOBS = 200;
    static final int EPOCHS = 8;
    static final long EPOCH_MS = 75;

    @Test
    void twoHundredJobsOnTenMembersSurviveRandomKills() throws Exception {
        try (Postgres pg = Postgres.start(); HikariDataSource ds = Members.migrated(pg.createDatabase("sim"), 40)) {
            JobRepository repo = Members.repository(ds);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++) ports.add(Node.freePort());
            Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
            Map<String, List<int[]>> writes = new ConcurrentHashMap<>();
            AtomicInteger fenced = new AtomicInteger();
            List<HazelcastInstance> members = new ArrayList<>();
            List<ClusterDispatch> dispatches = new ArrayList<>();
            try {
                for (int i = 0; i < MEMBERS; i++) {
                    String name = "m" + i;
                    HazelcastInstance hz = Members.member(name, ports.get(i), ports, SLOTS);
                    members.add(hz);
                    claims.put(name, new AtomicInteger());
                    running.put(name, new AtomicInteger());
                    JobRunner stub = stubRunner(repo, hz, claims, running, writes, fenced);
                    ClusterDispatch d = new ClusterDispatch(hz, repo, stub, new ClusterRunEvents(hz, List.of(), Members.JSON), SLOTS, JOBS,
                            Duration.ofMillis(200));
                    dispatches.add(d);
                }
                assertEquals(MEMBERS, members.get(0).getCluster().getMembers().size());
                for (ClusterDispatch d : dispatches) d.recover();
                List<String> ids = new ArrayList<>();
                JobSpec spec = Members.JSON.readValue("""
                        {"name":"sim","algorithm":"sgd","dataset":"blobs","layers":[2,2],"epochs":%d}""".formatted(EPOCHS), JobSpec.class);
                Random random = new Random(13);
                // three abrupt kills at random moments while jobs are still being posted, never the last members
                List<Integer> victims = new ArrayList<>(IntStream.range(0, MEMBERS).boxed().toList());
                java.util.Collections.shuffle(victims, random);
                List<Integer> killAt = List.of(30 + random.nextInt(30), 90 + random.nextInt(30), 150 + random.nextInt(30));
                List<String> killed = new CopyOnWriteArrayList<>();
                List<Integer> live = new ArrayList<>(IntStream.range(0, MEMBERS).boxed().toList());
                for (int j = 0; j < JOBS; j++) {
                    String id = java.util.UUID.randomUUID().toString();
                    dispatches.get(live.get(j % live.size())).admit(id, () -> repo.insert(id, spec, Instant.now()));
                    ids.add(id);
                    int k = killAt.indexOf(j);
                    if (k >= 0) {
                        killed.add(killWhileRunning(members.get(victims.get(k)), running));
                        live.remove(victims.get(k));
                    }
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (repo.count(null, null) > repo.count(JobStatus.SUCCEEDED, null)) {
                    assertTrue(System.nanoTime() < deadline, "all jobs end: " + repo.count(JobStatus.SUCCEEDED, null) + " of " + JOBS);
                    Thread.sleep(100);
                }
                for (String id : ids) {
                    Job job = repo.find(id).orElseThrow();
                    assertEquals(JobStatus.SUCCEEDED, job.status());
                    assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(), repo.epochs(id).stream().map(EpochMetrics::epoch).toList());
                    long succeeded = repo.history(id).stream().filter(h -> h.message().startsWith("succeeded")).count();
                    assertEquals(1, succeeded, "one success in the history of " + id);
                    int lastAttempt = 0;
                    for (int[] w : writes.get(id)) {
                        assertTrue(w[1] >= lastAttempt, "attempts never interleave on " + id);
                        lastAttempt = w[1];
                    }
                }
                long resumed = ids.stream().filter(id -> repo.find(id).orElseThrow().attempt() > 1).count();
                assertTrue(resumed >= 3, "the kills hit running jobs, which resumed elsewhere: " + resumed);
                Map<String, Integer> share = new TreeMap<>();
                claims.forEach((k, v) -> share.put(k, v.get()));
                List<Integer> survivors = share.entrySet().stream().filter(e -> !killed.contains(e.getKey())).map(Map.Entry::getValue).toList();
                double mean = survivors.stream().mapToInt(Integer::intValue).average().orElseThrow();
                System.out.printf("cluster simulation: %d jobs, %d members (killed %s), claims per member %s, %d jobs resumed, %d stale writes fenced%n",
                        JOBS, MEMBERS, killed, share, resumed, fenced.get());
                for (int c : survivors) assertTrue(c <= 2 * mean && c >= mean / 2, "claims per surviving member within 2x of the mean: " + share);
            } finally {
                for (HazelcastInstance hz : members) hz.getLifecycleService().terminate();
                for (ClusterDispatch d : dispatches) d.shutdown();
            }
        }
    }

    /**
     * Terminates {@code victim} once it runs a job (at most 30 s away), so that every kill hands work over: on a
     * loaded machine a member can sit between two jobs at any fixed moment. Returns its node name.
     */
    private static String killWhileRunning(HazelcastInstance victim, Map<String, AtomicInteger> running) throws InterruptedException {
        String name = victim.getCluster().getLocalMember().getAttribute(ClusterConfig.NODE);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (running.get(name).get() == 0) {
            assertTrue(System.nanoTime() < deadline, name + " runs a job within 30 s, to be killed in it");
            Thread.sleep(2);
        }
        victim.getLifecycleService().terminate();
        return name;
    }

    /** Claims, sleeps through the epochs after the last stored one, writes each through the fence, finishes. */
    private static JobRunner stubRunner(JobRepository repo, HazelcastInstance hz, Map<String, AtomicInteger> claims,
                                        Map<String, AtomicInteger> running, Map<String, List<int[]>> writes, AtomicInteger fenced) {
        String name = hz.getCluster().getLocalMember().getAttribute(ClusterConfig.NODE);
        return (id, node, owner, cancelled, stopping) -> {
            int attempt = repo.markRunning(id, Instant.now(), node, owner);
            if (attempt == 0) return false;
            claims.get(name).incrementAndGet();
            running.get(name).incrementAndGet();
            int first = repo.find(id).orElseThrow().epochsDone() + 1;
            try {
                for (int e = first; e <= EPOCHS; e++) {
                    Thread.sleep(EPOCH_MS);
                    // a terminated member's worker gets one last write in, as a process dying mid-epoch might
                    EpochMetrics m = new EpochMetrics(e, EPOCHS, 1.0 / e, null, 1.0 / e, null, EPOCH_MS / 1000.0, null, Map.of());
                    repo.insertEpoch(id, attempt, m, new JobRepository.WeightsFile("sim", 0, "", e));
                    writes.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(new int[] {e, attempt});
                    if (!hz.getLifecycleService().isRunning() || stopping.getAsBoolean()) return true;
                }
                repo.finish(id, attempt, JobStatus.SUCCEEDED, null, Instant.now(), "succeeded after " + EPOCHS + " epochs");
            } catch (FencedException ex) {
                fenced.incrementAndGet();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } finally {
                running.get(name).decrementAndGet();
            }
            return true;
        };
    }
}
