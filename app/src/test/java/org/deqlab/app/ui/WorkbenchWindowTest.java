package org.deqlab.app.ui;

import static org.deqlab.app.ui.TinyExperiment.await;
import static org.deqlab.app.ui.TinyExperiment.fx;
import static org.deqlab.app.ui.TinyExperiment.fxRun;
import static org.deqlab.app.ui.TinyExperiment.logged;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fair_acc.dataset.DataSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Spinner;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.deqlab.app.charts.WorkbenchCharts;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.ProcessMemory;
import org.deqlab.viz.ChartExport;
import org.deqlab.viz.ChartPanel;
import org.deqlab.viz.ResidualTraceChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The workbench window as a user drives it, headless: it opens on the default experiment, a run
 * fills the plots from what the engine logged, live settings reach the engine, Stop stops, and a
 * saved experiment reopens with the same plots while a broken file changes nothing.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchWindowTest extends WindowTest {

  @Start
  void start(Stage stage) {
    open(stage);
    // The window opens on the playground (PlaygroundWindowTest); these tests drive a run.
    window.tabs().getSelectionModel().select(window.trainingTab());
  }

  /** Loads {@code config} into the window, as choosing it in the experiment panel would. */
  private void load(ExperimentConfig config) {
    fxRun(() -> models.editor.load(config));
  }

  private void runToEnd(FxRobot robot, ExperimentConfig config) {
    load(config);
    robot.clickOn("#run");
    await("the run has finished", 120, () -> models.run.state().get() == RunState.FINISHED);
  }

  private static int points(ChartPanel chart, String series) {
    return fx(
        () ->
            chart.dataSets().stream()
                .filter(d -> d.getName().equals(series))
                .mapToInt(DataSet::getDataCount)
                .findFirst()
                .orElse(0));
  }

  private static double[] ys(ChartPanel chart, String series) {
    return fx(
        () -> {
          for (DataSet dataSet : chart.dataSets()) {
            if (dataSet.getName().equals(series)) {
              double[] y = new double[dataSet.getDataCount()];
              for (int i = 0; i < y.length; i++) {
                y[i] = dataSet.get(DataSet.DIM_Y, i);
              }
              return y;
            }
          }
          return new double[0];
        });
  }

  private List<String> csvOfRunPlots(WorkbenchWindow shown) {
    WorkbenchCharts charts = shown.charts();
    return fx(
        () ->
            List.of(charts.residuals(), charts.training(), charts.spectral(), charts.ritz())
                .stream()
                .map(ChartExport::toCsv)
                .toList());
  }

  @Test
  void opensWithTheDefaultExperimentReadyToRun(FxRobot robot) {
    assertEquals(Presets.DEFAULT, fx(() -> window.configSheet().value("name")));
    int threshold = Presets.get(Presets.DEFAULT).forward().options().maxIterations();
    assertEquals(threshold, fx(() -> window.configSheet().value("forward.options.maxIterations")));
    assertEquals(Presets.DEFAULT, robot.lookup("#presets").queryAs(ComboBox.class).getValue());
    assertFalse(robot.lookup("#run").queryAs(Button.class).isDisabled(), "Run is enabled");
    assertTrue(robot.lookup("#stop").queryAs(Button.class).isDisabled(), "Stop waits for a run");
    assertEquals(threshold, robot.lookup("#live-f-thres").queryAs(Spinner.class).getValue());
    for (String plot :
        List.of(
            "residual-traces",
            "training-curves",
            "solver-steps",
            "jacobian-at-the-equilibrium",
            "ritz-values-of-j-f-z",
            "solver-steps-vs-sequence-length")) {
      assertTrue(robot.lookup("#plot-" + plot).tryQuery().isPresent(), plot + " is shown");
    }
    PlotPanel residuals = fx(() -> window.panel(window.charts().residuals()));
    assertTrue(fx(residuals::hintShown), "an empty plot says what will fill it");
    String hint = fx(residuals::hintText);
    assertEquals(0, Presets.get(Presets.DEFAULT).pretrainSteps(), "the default solves at once");
    assertTrue(hint.contains("the traces appear with the first training step"), hint);

    await("the engine has started", 60, () -> models.run.gpuCount().get() >= 0);
    if (fx(() -> models.run.gpuCount().get()) == 0) {
      javafx.scene.control.TitledPane runSection =
          robot
              .lookup("#experiment-sheet .titled-pane")
              .match((javafx.scene.control.TitledPane pane) -> "Run".equals(pane.getText()))
              .queryAs(javafx.scene.control.TitledPane.class);
      robot.clickOn(runSection.lookup(".title"));
      await("the Run section is open", 10, runSection::isExpanded);
      javafx.scene.control.ComboBox<?> devices =
          robot.lookup("#device-choice").queryAs(javafx.scene.control.ComboBox.class);
      // Opened directly rather than by a click: another test's window may have the focus.
      fx(
          () -> {
            devices.show();
            return null;
          });
      // The list is a popup window of its own, which opens a moment later.
      await(
          "the device list is open",
          10,
          () ->
              robot
                  .lookup(".list-cell")
                  .match((javafx.scene.control.ListCell<?> cell) -> "cuda".equals(cell.getItem()))
                  .tryQuery()
                  .isPresent());
      javafx.scene.control.ListCell<?> gpu =
          robot
              .lookup(".list-cell")
              .match((javafx.scene.control.ListCell<?> cell) -> "cuda".equals(cell.getItem()))
              .queryAs(javafx.scene.control.ListCell.class);
      assertTrue(gpu.isDisabled(), "GPU is offered greyed out when the engine sees none");
      assertTrue(
          gpu.getTooltip().getText().startsWith("no usable GPU: ")
              && gpu.getTooltip().getText().length() > "no usable GPU: ".length(),
          "the reason is given: " + gpu.getTooltip().getText());
      robot.type(KeyCode.ESCAPE);
    }

    robot.clickOn("#teaching");
    assertTrue(fx(residuals::teachingShown), "teaching mode shows the plain-words line");
    assertTrue(residuals.teachingText().contains("fixed point"));
  }

  @Test
  void aShortRunFillsEveryTrainingPlotWithWhatTheEngineLogged(FxRobot robot) {
    runToEnd(robot, TinyExperiment.config(6));

    Path log = models.run.runLog();
    List<JsonNode> steps = logged(log, "step");
    assertEquals(6, steps.size());
    WorkbenchCharts charts = window.charts();
    assertEquals(6, points(charts.training(), "training loss"));
    assertEquals(
        steps.get(5).get("loss").asDouble(), ys(charts.training(), "training loss")[5], 1e-12);
    // Step 1 pretrains an unrolled stack (no solver); steps 2–6 solve.
    assertEquals(5, points(charts.training(), "forward solver steps"));
    JsonNode last = steps.get(5);
    assertEquals(
        last.get("forward").get("steps").asInt(), points(charts.residuals(), "forward abs"));
    assertEquals(
        last.get("backward").get("steps").asInt(), points(charts.residuals(), "backward abs"));
    assertEquals(ResidualTraceChart.HISTORY, fx(() -> charts.residuals().fadedForwardCount()));
    // The live trace followed the solves as they ran; the last one was step 6's backward solve.
    assertArrayEquals(ys(charts.residuals(), "backward abs"), ys(charts.residuals(), "live abs"));
    assertArrayEquals(ys(charts.residuals(), "backward rel"), ys(charts.residuals(), "live rel"));
    // Probed at steps 2, 4 and 6: three estimates, and the Ritz values of the last probe.
    assertEquals(3, points(charts.spectral(), "spectral radius ρ(J_f)"));
    assertEquals(
        last.get("spectralRadius").asDouble(),
        ys(charts.spectral(), "spectral radius ρ(J_f)")[2],
        1e-12);
    assertEquals(
        last.get("ritzValues").size(), fx(() -> charts.ritz().dataSets().get(0).getDataCount()));
    assertEquals(6, fx(() -> charts.ritzStep()));
    assertFalse(
        fx(() -> window.panel(charts.spectral()).hintShown()), "the hint leaves once data arrives");
    assertEquals(1.0, fx(() -> models.status.progress().get()), 1e-9);
    assertTrue(
        fx(() -> models.status.status().get()).contains("completed"),
        fx(() -> models.status.status().get()));

    // A sweep started in the window measures the trained model at each length.
    robot.doubleClickOn("#sweep-lengths").eraseText(20).write("4,8,16");
    robot.clickOn("#sweep");
    await(
        "the sweep has finished",
        60,
        () ->
            !models.status.engineBusy().get()
                && charts.lengths().seriesNames().contains("after step 6"));
    assertEquals(3, points(charts.lengths(), "after step 6"));
    assertTrue(
        java.util.Arrays.stream(ys(charts.lengths(), "after step 6"))
            .allMatch(s -> s >= 1 && s <= 100),
        "mean forward steps within the sweep's threshold");
  }

  @Test
  void aLiveChangeOfFThresReachesTheEngineAtTheNextStep(FxRobot robot) {
    // Far more steps than the test waits for: under load the robot's typing took longer than the
    // 60 steps this once had, the run ended before the edit, and the wait below timed out.
    load(TinyExperiment.config(100_000));
    robot.clickOn("#run");
    await("three steps are done", 60, () -> models.run.step().get() >= 3);

    robot.doubleClickOn("#live-f-thres .text-field").eraseText(4).write("3").type(KeyCode.ENTER);
    await(
        "five more steps ran",
        60,
        () -> {
          List<JsonNode> settings = logged(models.run.runLog(), "setting");
          return !settings.isEmpty()
              && logged(models.run.runLog(), "step").size()
                  >= settings.get(0).get("step").asInt() + 4;
        });
    robot.clickOn("#stop");
    await("the run has stopped", 60, () -> models.run.state().get() == RunState.FINISHED);

    List<JsonNode> settings = logged(models.run.runLog(), "setting");
    assertEquals(1, settings.size());
    assertEquals("f_thres 30 → 3", settings.get(0).get("description").asText());
    int changedAt = settings.get(0).get("step").asInt();
    List<JsonNode> steps = logged(models.run.runLog(), "step");
    for (JsonNode step : steps) {
      int forwardSteps =
          step.get("forward").isNull() ? 0 : step.get("forward").get("steps").asInt();
      if (step.get("step").asInt() >= changedAt) {
        assertTrue(
            forwardSteps <= 3,
            "step " + step.get("step") + " ran " + forwardSteps + " forward iterations");
      } else if (step.get("step").asInt() > 1) {
        assertTrue(forwardSteps > 3, "before the change the solver needed more than 3 iterations");
      }
    }
    // Every marker says what changed: the switch from pretraining, then the live change.
    List<String> expected =
        List.of("DEQ takes over: deq(anderson, ift/anderson)", "f_thres 30 → 3");
    assertEquals(
        expected,
        fx(
            () ->
                window.charts().training().eventMarkers().stream().map(m -> m.getText()).toList()));
    assertEquals(
        expected,
        fx(
            () ->
                window.charts().solverSteps().eventMarkers().stream()
                    .map(m -> m.getText())
                    .toList()));
    assertEquals(
        changedAt, fx(() -> window.charts().solverSteps().eventMarkers().get(1).getValue()), 1e-9);
    // The edit outlives the run: the controls and the next run's config keep f_thres 3.
    assertEquals(3, robot.lookup("#live-f-thres").queryAs(Spinner.class).getValue());
    assertEquals(3, fx(() -> models.editor.config().get().forward().options().maxIterations()));
  }

  @Test
  void pauseHoldsTheEngineResumeGoesOnAndStopEndsTheRunKeepingLogAndCheckpoint(FxRobot robot)
      throws InterruptedException {
    load(TinyExperiment.config(500));
    robot.clickOn("#run");
    await("two steps are done", 60, () -> models.run.step().get() >= 2);

    robot.clickOn("#pause");
    Thread.sleep(1500); // the step in progress may still finish
    int pausedAt = logged(models.run.runLog(), "step").size();
    Thread.sleep(1500);
    assertEquals(pausedAt, logged(models.run.runLog(), "step").size(), "no step runs while paused");
    assertTrue(robot.lookup("#pause").queryAs(Button.class).isDisabled());
    robot.clickOn("#resume");
    await("training goes on", 60, () -> logged(models.run.runLog(), "step").size() >= pausedAt + 2);

    robot.clickOn("#stop");
    await("the run has stopped", 60, () -> models.run.state().get() == RunState.FINISHED);

    List<JsonNode> finished = logged(models.run.runLog(), "finished");
    assertEquals("stopped", finished.get(0).get("reason").asText());
    int lastStep = finished.get(0).get("step").asInt();
    assertTrue(lastStep < 500, "stopped long before the end");
    assertEquals(lastStep, logged(models.run.runLog(), "step").size());
    assertTrue(
        Files.exists(models.run.runLog().resolveSibling("last.ckpt")), "a checkpoint is kept");
    assertFalse(robot.lookup("#run").queryAs(Button.class).isDisabled(), "Run is enabled again");
  }

  @Test
  void aSavedExperimentReopensWithIdenticalPlots(FxRobot robot) throws Exception {
    runToEnd(robot, TinyExperiment.config(5));
    List<String> shown = csvOfRunPlots(window);
    Path saved = runs.resolve("tiny.deq.json");
    assertTrue(fx(() -> window.saveFile(saved)));

    WorkbenchModels otherModel = new WorkbenchModels(Presets.get(Presets.DEFAULT), runs);
    try {
      WorkbenchWindow other = fx(() -> new WorkbenchWindow(otherModel));
      assertTrue(fx(() -> other.openFile(saved)));

      assertEquals(TinyExperiment.config(5), fx(() -> otherModel.editor.config().get()));
      assertEquals(shown, csvOfRunPlots(other), "the replayed plots hold the same data");
      assertTrue(
          shown.stream().allMatch(csv -> csv.lines().count() > 1), "every run plot has data");
      assertEquals(RunState.FINISHED, fx(() -> otherModel.run.state().get()));
      assertEquals(5, fx(() -> otherModel.run.step().get()));
    } finally {
      fxRun(otherModel::close);
      otherModel.awaitClosed(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMalformedExperimentFileIsNamedInADialogAndChangesNothing(FxRobot robot) throws Exception {
    ExperimentConfig before = fx(() -> models.editor.config().get());
    List<String> plotsBefore = csvOfRunPlots(window);
    Path broken = runs.resolve("broken.deq.json");
    Files.writeString(broken, "{\"format\": 1, \"config\": {\"model\": {\"hidden\": -4}}}");

    assertFalse(fx(() -> window.openFile(broken)));

    DialogPane dialog = robot.lookup("#error-dialog").queryAs(DialogPane.class);
    assertNotNull(dialog);
    assertTrue(dialog.getHeaderText().contains("broken.deq.json"), dialog.getHeaderText());
    assertTrue(dialog.getContentText().contains("model.hidden"), dialog.getContentText());
    assertEquals(before, fx(() -> models.editor.config().get()));
    assertEquals(plotsBefore, csvOfRunPlots(window));
    assertEquals(RunState.IDLE, fx(() -> models.run.state().get()));
    fxRun(() -> dialog.getScene().getWindow().hide());

    Files.writeString(broken, "{ not json");
    assertFalse(fx(() -> window.openFile(broken)));
    assertTrue(
        robot
            .lookup("#error-dialog")
            .queryAs(DialogPane.class)
            .getContentText()
            .contains("cannot read"));
    assertEquals(before, fx(() -> models.editor.config().get()));
  }

  @Test
  void theMemoryTabPlotsDeqAndUnrolledMemoryAsEachPointArrives(FxRobot robot) {
    assumeTrue(ProcessMemory.available(), "needs Linux /proc to read the process's memory");
    load(TinyExperiment.config(5));
    robot.clickOn("#tab-memory .tab-label");
    fxRun(() -> window.memoryView().setSizes("1,2,4", 8, 2));
    robot.clickOn("#measure-memory");
    await(
        "DEQ and three depths are measured",
        120,
        () -> window.memoryView().points().size() == 4 && !models.status.engineBusy().get());

    MemoryView memory = window.memoryView();
    List<MemoryPoint> measured = fx(memory::points);
    assertEquals(LayerKind.DEQ, measured.get(0).layer());
    assertTrue(measured.get(0).forwardSteps() > 0, "the DEQ ran its solver");
    assertEquals(
        List.of(1, 2, 4), measured.subList(1, 4).stream().map(MemoryPoint::depth).toList());
    assertEquals(List.of("DEQ", "unrolled"), fx(() -> memory.chart().seriesNames()));
    assertEquals(3, points(memory.chart(), "unrolled"));
    assertEquals(measured.get(3).keptMegabytes(), ys(memory.chart(), "unrolled")[2], 1e-9);
    assertEquals(measured.get(0).keptMegabytes(), ys(memory.chart(), "DEQ")[0], 1e-9);
    assertTrue(
        measured.subList(1, 4).stream().allMatch(p -> Double.isFinite(p.gradientDifference())));
    assertEquals(4, robot.lookup("#memory-table").queryTableView().getItems().size());
  }
}
