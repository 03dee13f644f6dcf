package org.deqlab.app.ui;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.experiment.Presets;

/**
 * The JavaFX application: opens the workbench window with the default experiment (a small
 * DEQ-Transformer on copy memory) loaded and ready to run. Runs go to {@code runs/} in the working
 * directory.
 *
 * <p>Two system properties script the window (for screenshots and demos): {@code deq.config=FILE}
 * loads a JSON config instead of the default experiment, and {@code deq.autorun=ACTIONS} performs
 * comma-separated actions once the window is shown, in order: {@code teaching} (teaching mode on),
 * {@code sweep} (a length sweep), {@code train} (press Run), {@code memory} (the Memory tab's
 * measurement).
 */
public final class WorkbenchApp extends Application {
  private WorkbenchModels models;

  @Override
  public void start(Stage stage) {
    String configFile = System.getProperty("deq.config");
    ExperimentConfig initial =
        configFile == null || configFile.isBlank()
            ? Presets.get(Presets.DEFAULT)
            : ExperimentConfigs.read(Path.of(configFile));
    models = new WorkbenchModels(initial, Path.of("runs"));
    WorkbenchWindow window = new WorkbenchWindow(models);
    stage.setTitle("DEQ Workbench — deep equilibrium models, live");
    stage.setScene(new Scene(window.root(), 1400, 860));
    stage.show();
    String actions = System.getProperty("deq.autorun", "");
    if (!actions.isBlank()) {
      autorun(window, Arrays.asList(actions.split(",")));
    }
  }

  /** Performs the scripted actions one after another (each waits for the previous one). */
  private static void autorun(WorkbenchWindow window, List<String> actions) {
    CompletableFuture<?> previous = CompletableFuture.completedFuture(null);
    for (String action : actions) {
      String name = action.trim();
      previous =
          previous.thenCompose(
              done -> {
                CompletableFuture<CompletableFuture<?>> started = new CompletableFuture<>();
                Platform.runLater(
                    () ->
                        started.complete(
                            switch (name) {
                              case "teaching" -> {
                                window.setTeaching(true);
                                yield CompletableFuture.completedFuture(null);
                              }
                              case "sweep" -> window.startSweep();
                              case "train", "true" -> window.startRun();
                              case "memory" -> {
                                window.showMemoryTab();
                                yield window.memoryView().start();
                              }
                              default -> {
                                window
                                    .models()
                                    .status
                                    .say(
                                        "deq.autorun: unknown action '"
                                            + name
                                            + "' (teaching, sweep, train, memory)");
                                yield CompletableFuture.completedFuture(null);
                              }
                            }));
                return started.thenCompose(future -> future.handle((ignored, error) -> null));
              });
    }
  }

  @Override
  public void stop() throws InterruptedException {
    if (models != null) {
      models.close();
      // Give a running step a moment to end so the run log and checkpoint are complete.
      models.awaitClosed(5, TimeUnit.SECONDS);
    }
  }
}
