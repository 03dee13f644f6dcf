package org.deqlab.app.ui;

import static org.deqlab.app.ui.TinyExperiment.fxRun;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.deqlab.core.experiment.Presets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workbench window on the default experiment, opened fresh for each test (from the subclass's
 * {@code @Start}: TestFX finds that annotation only on the test class itself) inside Monocle's 1280
 * × 800 screen, with runs written to a temporary folder, and its engine closed after.
 */
abstract class WindowTest {
  @TempDir Path runs;
  WorkbenchModels models;
  WorkbenchWindow window;

  void open(Stage stage) {
    models = new WorkbenchModels(Presets.get(Presets.DEFAULT), runs);
    window = new WorkbenchWindow(models);
    stage.setScene(new Scene(window.root(), 1260, 780));
    stage.show();
  }

  @AfterEach
  void closeEngine() throws InterruptedException {
    fxRun(() -> models.close());
    assertTrue(models.awaitClosed(60, TimeUnit.SECONDS), "the engine thread ends after close");
  }
}
