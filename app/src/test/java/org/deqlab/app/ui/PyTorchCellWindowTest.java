package org.deqlab.app.ui;

import static org.deqlab.app.ui.TinyExperiment.await;
import static org.deqlab.app.ui.TinyExperiment.fx;
import static org.deqlab.app.ui.TinyExperiment.fxRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * "Open PyTorch cell…" in the window, headless: a cell's gradient check, every solver's trace and
 * its Jacobian fill the PyTorch cell tab, and its memory against its unrolled twin is measured; a
 * cell whose gradients disagree says it is refused for training; a bad file is named in a dialog.
 * (The file choosers are skipped: the test hands the window the files.)
 */
@ExtendWith(ApplicationExtension.class)
class PyTorchCellWindowTest extends WindowTest {
  private static final Path FIXTURES = Path.of("../core/src/test/resources/torchscript");

  @Start
  void start(Stage stage) {
    open(stage);
  }

  private void openCell(String name, String input) throws Exception {
    fx(() -> window.openCell(FIXTURES.resolve(name), FIXTURES.resolve(input)))
        .get(60, TimeUnit.SECONDS);
    fxRun(() -> {});
  }

  @Test
  void aCellIsCheckedSolvedAndProbedInItsOwnTab(FxRobot robot) throws Exception {
    fxRun(() -> window.tabs().getSelectionModel().select(window.tabs().getTabs().get(3)));
    assertTrue(
        robot.lookup("#open-pytorch-cell").queryButton().isVisible(),
        "the tab offers Open PyTorch cell…");
    openCell("mlp.pt", "mlp.npz");
    await(
        "the PyTorch cell tab shows",
        30,
        () ->
            window.tabs().getSelectionModel().getSelectedItem().getId().equals("tab-pytorch-cell"));
    String header = robot.lookup("#pytorch-cell-header").queryAs(Label.class).getText();
    assertTrue(header.contains("mlp.pt") && header.contains("x (8, 6)"), header);
    String check = robot.lookup("#pytorch-cell-check").queryAs(Label.class).getText();
    assertTrue(check.contains(": passed"), check);
    String jacobian = robot.lookup("#pytorch-cell-jacobian").queryAs(Label.class).getText();
    assertTrue(jacobian.contains("ρ < 1"), jacobian);
    assertEquals(3, fx(() -> window.pytorchCellView().residuals().seriesNames().size()));

    fx(() -> window.measureCellMemory()).get(120, TimeUnit.SECONDS);
    fxRun(() -> {});
    assertEquals(
        java.util.List.of("DEQ", "unrolled"),
        fx(() -> window.pytorchCellView().memoryChart().seriesNames()));

    openCell("conv2.pt", "conv2.npz");
    await(
        "the conv cell's check shows",
        30,
        () ->
            robot
                .lookup("#pytorch-cell-check")
                .queryAs(Label.class)
                .getText()
                .contains("Refused for training"));
  }

  @Test
  void fittingACellIsARunInTheTrainingTabWithItsLogCheckpointsAndTrainedModule(FxRobot robot)
      throws Exception {
    openCell("gated.pt", "gated.npz");
    fx(() -> window.fitCell(FIXTURES.resolve("gated-train.npz"))).get(300, TimeUnit.SECONDS);
    await("the run has finished", 60, () -> models.run.state().get() == RunState.FINISHED);
    Path log = models.run.runLog();
    long steps =
        java.nio.file.Files.readAllLines(log).stream()
            .filter(line -> line.contains("\"type\":\"step\""))
            .count();
    assertEquals(200, steps);
    assertEquals(
        200,
        fx(
            () ->
                window.charts().training().dataSets().stream()
                    .filter(d -> d.getName().equals("training loss"))
                    .mapToInt(io.fair_acc.dataset.DataSet::getDataCount)
                    .findFirst()
                    .orElse(0)));
    assertTrue(java.nio.file.Files.isRegularFile(log.resolveSibling("gated-trained.pt")));
    assertEquals("torchscript", fx(() -> models.editor.config().get().model().cell().label()));

    openCell("conv2.pt", "conv2.npz");
    fx(() -> window.fitCell(FIXTURES.resolve("gated-train.npz")))
        .handle((v, e) -> null)
        .get(60, TimeUnit.SECONDS);
    fxRun(() -> {});
    String said = fx(() -> models.status.status().get());
    assertTrue(said.startsWith("Run refused") && said.contains("refused for training"), said);
  }

  @Test
  void aCellPutIntoTheExperimentKeepsItsTaskAndARunNamesTheFieldThatDoesNotFit(FxRobot robot)
      throws Exception {
    openCell("sequence.pt", "sequence.npz");
    String task = fx(() -> models.editor.config().get().task().kind().label());
    fxRun(() -> window.useCell());
    var config = fx(() -> models.editor.config().get());
    assertEquals("torchscript", config.model().cell().label());
    assertTrue(config.model().module().endsWith("sequence.pt"), config.model().module());
    assertEquals(task, config.task().kind().label());
    fx(() -> window.startRun()).handle((v, e) -> null).get(120, TimeUnit.SECONDS);
    fxRun(() -> {});
    String said = fx(() -> models.status.status().get());
    assertTrue(
        said.startsWith("Run refused") && said.contains("sequence.pt: takes x of shape"), said);
  }

  @Test
  void aBadCellIsNamedInADialog(FxRobot robot) throws Exception {
    openCell("bad-arity.pt", "bad-arity.npz");
    await("the error dialog opens", 30, () -> robot.lookup("#error-dialog").tryQuery().isPresent());
    DialogPane dialog = robot.lookup("#error-dialog").queryAs(DialogPane.class);
    assertTrue(dialog.getHeaderText().contains("bad-arity.pt"), dialog.getHeaderText());
    assertTrue(
        dialog.getContentText().contains("forward must take two arguments (z, x)"),
        dialog.getContentText());
    assertEquals(1, dialog.getContentText().lines().count(), dialog.getContentText());
    fxRun(() -> dialog.getScene().getWindow().hide());
  }
}
