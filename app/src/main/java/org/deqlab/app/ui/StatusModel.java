package org.deqlab.app.ui;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The window's status line, progress bar and "the engine is busy" flag, shared by the run and the
 * engine jobs (sweeps, memory measurements). The view binds to the read-only side; view-models
 * write through the package-private setters, on the JavaFX thread (or the test's thread).
 */
final class StatusModel {
  private final ReadOnlyStringWrapper status =
      new ReadOnlyStringWrapper("Ready: press Run to train the experiment on the left");
  private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
  private final ReadOnlyBooleanWrapper engineBusy = new ReadOnlyBooleanWrapper(false);
  private double progressBeforeJob;

  ReadOnlyStringProperty status() {
    return status.getReadOnlyProperty();
  }

  ReadOnlyDoubleProperty progress() {
    return progress.getReadOnlyProperty();
  }

  /** True while a length sweep or a memory measurement occupies the engine thread. */
  ReadOnlyBooleanProperty engineBusy() {
    return engineBusy.getReadOnlyProperty();
  }

  void say(String text) {
    status.set(text);
  }

  /** Fraction done, or −1 for "working, amount unknown". */
  void progress(double fraction) {
    progress.set(fraction);
  }

  /**
   * An engine job starts: the progress bar counts its points meanwhile (not the indeterminate
   * animation, whose redraws would allocate while memory is being measured).
   */
  void beginJob(String text) {
    engineBusy.set(true);
    progressBeforeJob = progress.get() < 0 ? 0 : progress.get();
    progress.set(0);
    status.set(text);
  }

  void endJob(String text) {
    engineBusy.set(false);
    progress.set(progressBeforeJob);
    status.set(text);
  }
}
