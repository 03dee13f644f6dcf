package org.deqlab.app.ui;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.deqlab.core.playground.PlaygroundScene;
import org.deqlab.core.playground.PlaygroundSetup;

/**
 * The playground tab's state: the settings the controls show and the scene computed for them. Every
 * change asks for a new scene; scenes are computed one at a time on the executor it is given (the
 * latest settings win: changes that arrive while one is computed are folded into the next), and
 * reach the read-only properties through the UI executor. A scene takes a few milliseconds, so a
 * slider drag redraws continuously; the UI thread never waits for one.
 *
 * <p>In tests both executors can be the calling thread: a change then yields its scene before
 * {@link #update} returns.
 */
final class PlaygroundViewModel {
  private final Function<PlaygroundSetup, PlaygroundScene> solver;
  private final Executor compute;
  private final Executor ui;
  private final ReadOnlyObjectWrapper<PlaygroundSetup> setup;
  private final ReadOnlyObjectWrapper<PlaygroundScene> scene = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
  private final AtomicReference<PlaygroundSetup> pending = new AtomicReference<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /**
   * @param solver computes a scene (the engine's {@code Playground::solve}), called on {@code
   *     compute} only
   * @param compute where scenes are computed, one at a time
   * @param ui the UI thread's executor
   */
  PlaygroundViewModel(
      Function<PlaygroundSetup, PlaygroundScene> solver,
      Executor compute,
      Executor ui,
      PlaygroundSetup initial) {
    this.solver = solver;
    this.compute = compute;
    this.ui = ui;
    this.setup = new ReadOnlyObjectWrapper<>(initial);
    request();
  }

  /** The settings the controls show. */
  ReadOnlyObjectProperty<PlaygroundSetup> setup() {
    return setup.getReadOnlyProperty();
  }

  /** The latest scene computed (null until the first arrives). */
  ReadOnlyObjectProperty<PlaygroundScene> scene() {
    return scene.getReadOnlyProperty();
  }

  /** Why the last scene could not be computed, or empty. */
  ReadOnlyStringProperty problem() {
    return problem.getReadOnlyProperty();
  }

  /** Changes the settings (a slider moved) and asks for their scene. */
  void update(UnaryOperator<PlaygroundSetup> change) {
    PlaygroundSetup changed;
    try {
      changed = change.apply(setup.get());
    } catch (IllegalArgumentException e) {
      problem.set(e.getMessage());
      return;
    }
    if (!changed.equals(setup.get())) {
      setup.set(changed);
      request();
    }
  }

  /** Replaces all settings (a lesson sets up its scene). */
  void load(PlaygroundSetup value) {
    setup.set(value);
    request();
  }

  private void request() {
    pending.set(setup.get());
    if (scheduled.compareAndSet(false, true)) {
      compute.execute(this::computeLatest);
    }
  }

  /** Computes scenes until no newer settings wait (compute thread). */
  private void computeLatest() {
    try {
      PlaygroundSetup next;
      while ((next = pending.getAndSet(null)) != null) {
        PlaygroundSetup solving = next;
        try {
          PlaygroundScene result = solver.apply(solving);
          ui.execute(
              () -> {
                scene.set(result);
                problem.set("");
              });
        } catch (RuntimeException e) {
          String message = e.getMessage() != null ? e.getMessage() : e.toString();
          ui.execute(() -> problem.set("The playground could not solve this: " + message));
        }
      }
    } finally {
      scheduled.set(false);
      // settings that arrived after the loop's last look
      if (pending.get() != null && scheduled.compareAndSet(false, true)) {
        compute.execute(this::computeLatest);
      }
    }
  }
}
