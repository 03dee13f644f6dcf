package org.deqlab.app.ui;

import java.nio.file.Path;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.deqlab.core.train.Presets;

/**
 * The JavaFX application: opens the workbench window with the default experiment (a small
 * DEQ-Transformer on copy memory) loaded and ready to run. Runs go to {@code runs/}.
 */
public final class WorkbenchApp extends Application {
  private ExperimentViewModel model;

  @Override
  public void start(Stage stage) {
    model = new ExperimentViewModel(Presets.get(Presets.DEFAULT), Path.of("runs"));
    WorkbenchWindow window = new WorkbenchWindow(model);
    stage.setTitle("DEQ Workbench — deep equilibrium models, live");
    stage.setScene(new Scene(window.root(), 1400, 860));
    stage.show();
  }

  @Override
  public void stop() {
    if (model != null) {
      model.close();
    }
  }
}
