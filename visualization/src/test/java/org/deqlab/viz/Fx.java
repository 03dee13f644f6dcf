package org.deqlab.viz;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.testfx.util.WaitForAsyncUtils;

/** Shared test fixture: show a chart in a stage and run code on the JavaFX thread. */
final class Fx {
  static final double WIDTH = 820;
  static final double HEIGHT = 520;

  private Fx() {}

  /** Shows {@code node} as the whole scene of {@code stage}. Call from a {@code @Start} method. */
  static void show(Stage stage, Node node) {
    stage.setScene(new Scene(new StackPane(node), WIDTH, HEIGHT));
    stage.show();
  }

  /** Runs {@code action} on the JavaFX thread and waits until it and the next pulse are done. */
  static void run(Runnable action) {
    get(
        () -> {
          action.run();
          return null;
        });
  }

  /** Computes {@code value} on the JavaFX thread, after letting pending events and pulses run. */
  static <T> T get(Callable<T> value) {
    try {
      T result = WaitForAsyncUtils.asyncFx(value).get(20, TimeUnit.SECONDS);
      WaitForAsyncUtils.waitForFxEvents();
      return result;
    } catch (Exception e) {
      throw new AssertionError("JavaFX action failed: " + e, e);
    }
  }
}
