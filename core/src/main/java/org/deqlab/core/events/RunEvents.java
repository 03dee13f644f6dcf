package org.deqlab.core.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where a run publishes its {@link RunEvent}s and where its readers subscribe — a run log, a
 * progress line, headless plots, the window. The engine never knows who listens. Subscribers are
 * called on the engine thread, in order, and must return quickly (a window hands events to its own
 * thread through a queue).
 */
public final class RunEvents {
  private final List<Consumer<RunEvent>> subscribers = new CopyOnWriteArrayList<>();

  /** Subscribes; the returned handle unsubscribes. */
  public AutoCloseable subscribe(Consumer<RunEvent> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  public void publish(RunEvent event) {
    for (Consumer<RunEvent> subscriber : subscribers) {
      subscriber.accept(event);
    }
  }
}
