package org.deqlab.core.train;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where a running experiment publishes what happens — per-step metrics, evaluations, live setting
 * changes, the end of the run — and where the UI, a progress bar or a run log listen. The engine
 * never knows who listens. Subscribers are called on the engine thread and must return quickly (a
 * UI hands events to its own thread through a queue).
 */
public final class MetricStream {
  private final List<Consumer<TrainingEvent>> subscribers = new CopyOnWriteArrayList<>();

  /** Subscribes; the returned handle unsubscribes. */
  public AutoCloseable subscribe(Consumer<TrainingEvent> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  public void publish(TrainingEvent event) {
    for (Consumer<TrainingEvent> subscriber : subscribers) {
      subscriber.accept(event);
    }
  }
}
