package io.nograd.jobs;

/** Where a training run reports each finished epoch (storage, live subscribers, the bench's console). */
@FunctionalInterface
public interface EpochListener {
    void onEpoch(EpochMetrics metrics);
}
