package io.nograd.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobStatus;
import io.nograd.system.NogradProperties;
import tools.jackson.databind.json.JsonMapper;

/** The fan-out alone: a stuck subscriber neither blocks publishing nor the other subscribers. */
class LiveHubTest {

    private final LiveHub hub = new LiveHub(JsonMapper.builder().build(), new NogradProperties(java.nio.file.Path.of("."), null, null, null,
            new NogradProperties.Live(java.time.Duration.ofSeconds(15), 16)));

    /** A replay of {@code events}, all in one page. */
    private static Subscriber.Replay replay(List<LiveEvent> events) {
        return new Subscriber.Replay() {
            @Override
            public List<LiveEvent> page(int epoch) {
                return events.stream().filter(e -> e.epoch() > epoch).toList();
            }

            @Override
            public LiveEvent end() {
                return null;
            }
        };
    }

    private static EpochMetrics epoch(int e) {
        return new EpochMetrics(e, 5000, 1.0 / e, 0.5, 1.0 / e, 0.5, 0.01, null, java.util.Map.of());
    }

    @Test
    void aStuckSubscriberNeitherSlowsPublishingNorTheOthersAndIsDropped() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Thread> endedOn = new java.util.concurrent.atomic.AtomicReference<>();
        Subscriber stuck = new Subscriber(hub, "job") {
            @Override
            protected void send(LiveEvent event) throws Exception {
                never.await();
            }

            /** Like emitter.complete() or session.close(): waits for the send in progress to give up. */
            @Override
            protected void end() {
                endedOn.set(Thread.currentThread());
                try {
                    never.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ended.countDown();
            }
        };
        List<Integer> received = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Subscriber healthy = recording(received, done);
        stuck.register();
        stuck.start(null);
        healthy.register();
        healthy.start(null);

        int events = Subscriber.MAX_PENDING + 200;
        long publishing = 0;
        for (int e = 1; e <= events; e++) {
            long t = System.nanoTime();
            hub.publishEpoch("job", epoch(e));
            publishing += System.nanoTime() - t;
            if (e % 100 == 0) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (received.size() < e && System.nanoTime() < deadline) Thread.sleep(1);
            }
        }
        hub.publishStatus("job", JobStatus.SUCCEEDED, null);

        assertTrue(publishing < 2_000_000_000L, "publishing " + events + " events took " + publishing / 1_000_000 + " ms");
        assertTrue(done.await(10, TimeUnit.SECONDS), "the healthy one got the final status and ended");
        assertEquals(events, received.size());
        for (int i = 0; i < received.size(); i++) assertEquals(i + 1, received.get(i));
        never.countDown(); // the stuck send gives up (a write timeout, in a server)
        assertTrue(ended.await(10, TimeUnit.SECONDS), "the stuck subscriber was dropped");
        assertTrue(endedOn.get() != Thread.currentThread() && endedOn.get().getName().startsWith("nograd-live-"),
                "ended on its own sender thread, not the publisher's: " + endedOn.get());
        hub.close();
    }

    @Test
    void replayThenLiveSkipsEpochsAlreadySent() throws Exception {
        List<Integer> received = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Subscriber s = recording(received, done);
        s.register();
        hub.publishEpoch("job", epoch(3));
        hub.publishEpoch("other", epoch(9));
        s.start(replay(List.of(hub.epochEvent("job", epoch(1)), hub.epochEvent("job", epoch(2)), hub.epochEvent("job", epoch(3)))));
        hub.publishEpoch("job", epoch(4));
        hub.publishStatus("job", JobStatus.SUCCEEDED, null);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(1, 2, 3, 4), received);
        hub.close();
    }

    /**
     * The job stores its last epoch and ends after the replay's last page read and before its status read: that epoch
     * still comes before the final status (the check_api WebSocket check once saw [1, 2] SUCCEEDED).
     */
    @Test
    void anEpochStoredAsTheReplayEndsComesBeforeTheFinalStatus() throws Exception {
        List<Integer> received = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Subscriber s = recording(received, done);
        List<LiveEvent> store = new CopyOnWriteArrayList<>(List.of(hub.epochEvent("job", epoch(1)), hub.epochEvent("job", epoch(2))));
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        s.register();
        s.start(new Subscriber.Replay() {
            @Override
            public List<LiveEvent> page(int epoch) {
                List<LiveEvent> page = store.stream().filter(e -> e.epoch() > epoch).toList();
                if (page.isEmpty() && !ended.getAndSet(true)) {
                    // the job's last epoch and its end, as TrainingRun writes them: stored first, then published
                    store.add(hub.epochEvent("job", epoch(3)));
                    hub.publishEpoch("job", epoch(3));
                    hub.publishStatus("job", JobStatus.SUCCEEDED, null);
                }
                return page;
            }

            @Override
            public LiveEvent end() {
                return ended.get() ? hub.statusEvent("job", JobStatus.SUCCEEDED, null) : null;
            }
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(1, 2, 3), received);
        hub.close();
    }

    /** A subscriber to "job" that records the epochs it is sent and counts {@code done} down when it ends. */
    private Subscriber recording(List<Integer> received, CountDownLatch done) {
        return new Subscriber(hub, "job") {
            @Override
            protected void send(LiveEvent event) {
                if (event.epoch() != null) received.add(event.epoch());
            }

            @Override
            protected void end() {
                done.countDown();
            }
        };
    }
}
