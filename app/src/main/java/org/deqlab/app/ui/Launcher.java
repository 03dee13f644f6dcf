package org.deqlab.app.ui;

import javafx.application.Application;

/**
 * Starts the workbench window. A plain class rather than the {@code Application} subclass, so
 * JavaFX runs from the class path without a module-path check.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    Application.launch(WorkbenchApp.class, args);
  }
}
