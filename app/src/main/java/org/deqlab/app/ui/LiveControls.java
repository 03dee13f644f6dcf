package org.deqlab.app.ui;

import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import org.deqlab.core.train.LiveSettings;

/**
 * The settings a user can turn while training runs: forward and backward thresholds and tolerances,
 * the Jacobian-regularization weight and the learning rate. A committed edit (Enter, arrows or
 * leaving the field) goes to the running experiment, which takes it at its next step, or, with no
 * run active, into the next run's config; a value that does not parse turns the field red and
 * changes nothing.
 */
final class LiveControls {
  private final GridPane grid = new GridPane();
  private final ExperimentEditor editor;
  private final RunViewModel run;
  private final Spinner<Integer> forwardThreshold = new Spinner<>(1, 1000, 30);
  private final Spinner<Integer> backwardThreshold = new Spinner<>(1, 1000, 30);
  private final TextField forwardTolerance = new TextField();
  private final TextField backwardTolerance = new TextField();
  private final TextField jacobianWeight = new TextField();
  private final TextField learningRate = new TextField();
  private boolean refreshing;

  LiveControls(ExperimentEditor editor, RunViewModel run) {
    this.editor = editor;
    this.run = run;
    grid.setHgap(8);
    grid.setVgap(6);
    grid.setPadding(new Insets(8));
    row(
        0,
        "f_thres",
        forwardThreshold,
        "live-f-thres",
        "forward solver: most iterations per solve");
    row(1, "f_tol", forwardTolerance, "live-f-tol", "forward solver tolerance (Enter to apply)");
    row(
        2,
        "b_thres",
        backwardThreshold,
        "live-b-thres",
        "backward (adjoint) solver: most iterations");
    row(3, "b_tol", backwardTolerance, "live-b-tol", "backward solver tolerance (Enter to apply)");
    row(
        4,
        "Jacobian γ",
        jacobianWeight,
        "live-jacobian-weight",
        "weight of the Jacobian regularization (0 = off; Enter to apply)");
    row(
        5,
        "learning rate",
        learningRate,
        "live-learning-rate",
        "peak learning rate of the schedule (Enter to apply)");
    forwardThreshold.setEditable(true);
    backwardThreshold.setEditable(true);
    onInteger(forwardThreshold, value -> v -> v.withForward(v.forward().withMaxIterations(value)));
    onInteger(
        backwardThreshold, value -> v -> v.withBackward(v.backward().withMaxIterations(value)));
    onDouble(forwardTolerance, value -> v -> v.withForward(v.forward().withTolerance(value)));
    onDouble(backwardTolerance, value -> v -> v.withBackward(v.backward().withTolerance(value)));
    onDouble(jacobianWeight, value -> v -> v.withJacobianWeight(value));
    onDouble(learningRate, value -> v -> v.withLearningRate(value));
    refresh();
  }

  GridPane node() {
    return grid;
  }

  /** Shows the values in force (after a config was opened or a run started). */
  void refresh() {
    refreshing = true;
    LiveSettings.Values active = run.activeValues();
    LiveSettings.Values values = active != null ? active : editor.values();
    forwardThreshold.getValueFactory().setValue(values.forward().maxIterations());
    backwardThreshold.getValueFactory().setValue(values.backward().maxIterations());
    forwardTolerance.setText(format(values.forward().tolerance()));
    backwardTolerance.setText(format(values.backward().tolerance()));
    jacobianWeight.setText(format(values.jacobianWeight()));
    learningRate.setText(format(values.learningRate()));
    refreshing = false;
  }

  Spinner<Integer> forwardThreshold() {
    return forwardThreshold;
  }

  Spinner<Integer> backwardThreshold() {
    return backwardThreshold;
  }

  TextField forwardTolerance() {
    return forwardTolerance;
  }

  TextField jacobianWeight() {
    return jacobianWeight;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3g", value);
  }

  private void row(
      int index, String label, javafx.scene.control.Control control, String id, String help) {
    control.setId(id);
    Label name = new Label(label);
    name.setTooltip(new Tooltip(help));
    control.setTooltip(new Tooltip(help));
    control.setPrefWidth(110);
    grid.addRow(index, name, control);
  }

  private void onInteger(
      Spinner<Integer> spinner, IntFunction<UnaryOperator<LiveSettings.Values>> change) {
    spinner
        .valueProperty()
        .addListener(
            (obs, before, after) -> {
              if (!refreshing && after != null && !after.equals(before)) {
                apply(change.apply(after), spinner);
              }
            });
  }

  private void onDouble(
      TextField field, DoubleFunction<UnaryOperator<LiveSettings.Values>> change) {
    Runnable commit =
        () -> {
          if (refreshing) {
            return;
          }
          try {
            double value = Double.parseDouble(field.getText().trim());
            apply(change.apply(value), field);
          } catch (NumberFormatException e) {
            mark(field, "not a number: " + field.getText());
          }
        };
    field.setOnAction(event -> commit.run());
    field
        .focusedProperty()
        .addListener(
            (obs, was, now) -> {
              if (!now) {
                commit.run();
              }
            });
  }

  private void apply(
      UnaryOperator<LiveSettings.Values> change, javafx.scene.control.Control control) {
    try {
      if (!run.applyLive(change)) {
        editor.applyLive(change); // no run: the next run's config
      }
      control.setStyle("");
    } catch (IllegalArgumentException e) {
      mark(control, e.getMessage());
      refresh();
    }
  }

  private static void mark(javafx.scene.control.Control control, String message) {
    control.setStyle("-fx-border-color: #d33; -fx-border-width: 1.5;");
    control.setTooltip(new Tooltip(message));
  }
}
