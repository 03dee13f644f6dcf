package org.deqlab.app.ui;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.playground.PlaygroundSetup;
import org.deqlab.core.run.RunDirectories;

/**
 * The JavaFX application: opens the workbench window on the Playground tab, with the default
 * experiment (a quick DEQ-Transformer on characters) loaded in the Training tab, ready to run. Runs
 * go under the per-user runs folder ({@link RunDirectories#userRoot()}, changeable in the window).
 *
 * <p>Two system properties script the window (for screenshots and demos): {@code deq.config=FILE}
 * loads a JSON config instead of the default experiment, and {@code deq.autorun=ACTIONS} performs
 * comma-separated actions once the window is shown, in order: {@code teaching} (teaching mode on),
 * {@code sweep} (a length sweep), {@code train} (press Run), {@code memory} (the Memory tab's
 * measurement), {@code lesson-N} (the playground's N-th lesson, from 1), {@code pytorch-cell}
 * ("Open PyTorch cell…" on the files {@code deq.cell=FILE.pt} and {@code deq.cell.input=FILE.npz}),
 * {@code pytorch-cell-memory} (that cell's memory against its unrolled twin), {@code
 * pytorch-cell-fit} (a run in the Training tab fitting it to {@code deq.cell.data=FILE.npz}).
 * {@code deq.playground=JSON} sets playground fields as a lesson does, e.g. {@code {"scale": 1.2}}.
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
    models = new WorkbenchModels(initial, RunDirectories.userRoot());
    WorkbenchWindow window = new WorkbenchWindow(models);
    stage.setTitle("DEQ Workbench — deep equilibrium models, live");
    // Use the screen: most of it, up to a size at which the plots read well.
    Rectangle2D screen = Screen.getPrimary().getVisualBounds();
    double width = Math.max(1024, Math.min(1800, screen.getWidth() * 0.96));
    double height = Math.max(700, Math.min(1100, screen.getHeight() * 0.94));
    stage.setScene(new Scene(window.root(), width, height));
    stage.show();
    String playgroundFields = System.getProperty("deq.playground", "");
    if (!playgroundFields.isBlank()) {
      window.playground().clearLesson();
      models.playground.load(
          PlaygroundSetup.defaults().withOverrides(readJson(playgroundFields), "deq.playground"));
    }
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
                              case "pytorch-cell-memory" -> window.measureCellMemory();
                              case "pytorch-cell-fit" ->
                                  window.fitCell(
                                      Path.of(System.getProperty("deq.cell.data", "in.npz")));
                              case "pytorch-cell" ->
                                  window.openCell(
                                      Path.of(System.getProperty("deq.cell", "cell.pt")),
                                      Path.of(System.getProperty("deq.cell.input", "in.npz")));
                              case "train", "true" -> window.startRun();
                              case "memory" -> {
                                window.showMemoryTab();
                                yield window.memoryView().start();
                              }
                              default -> {
                                if (name.startsWith("lesson-")) {
                                  int index = Integer.parseInt(name.substring(7)) - 1;
                                  window
                                      .playground()
                                      .showLesson(window.playground().lessons().get(index));
                                  yield CompletableFuture.completedFuture(null);
                                }
                                window
                                    .models()
                                    .status
                                    .say(
                                        "deq.autorun: unknown action '"
                                            + name
                                            + "' (teaching, sweep, train, memory, lesson-N)");
                                yield CompletableFuture.completedFuture(null);
                              }
                            }));
                return started.thenCompose(future -> future.handle((ignored, error) -> null));
              });
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
    try {
      return ExperimentConfigs.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("deq.playground: not JSON: " + e.getMessage(), e);
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
