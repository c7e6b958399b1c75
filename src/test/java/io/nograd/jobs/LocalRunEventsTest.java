package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalRunEventsTest {

    @Test
    void everyListenerGetsEveryEventInOrderEvenWhenOneThrows() {
        List<RunEvent> first = new ArrayList<>();
        List<RunEvent> last = new ArrayList<>();
        RunEvents events = new LocalRunEvents(List.of(first::add, e -> {
            throw new IllegalStateException("a broken subscriber");
        }, last::add));
        RunEvent epoch = new RunEvent.Epoch("job", 2, new EpochMetrics(1, 3, 0.5, 0.9, 0.6, 0.8, 0.1, null, Map.of()));
        RunEvent status = new RunEvent.Status("job", 2, JobStatus.SUCCEEDED, null);
        events.publish(epoch);
        events.publish(status);
        assertEquals(List.of(epoch, status), first);
        assertEquals(List.of(epoch, status), last);
        assertEquals(2, last.get(0).attempt());
    }
}
