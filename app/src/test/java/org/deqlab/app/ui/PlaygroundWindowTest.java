package org.deqlab.app.ui;

import static org.deqlab.app.ui.TinyExperiment.await;
import static org.deqlab.app.ui.TinyExperiment.fx;
import static org.deqlab.app.ui.TinyExperiment.fxRun;
import static org.deqlab.app.ui.TinyExperiment.logged;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fair_acc.dataset.DataSet;
import java.util.List;
import java.util.Locale;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.deqlab.core.playground.PlaygroundScene;
import org.deqlab.core.playground.PlaygroundScene.SolverPath;
import org.deqlab.core.playground.Point2;
import org.deqlab.viz.PhasePlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The window a new user sees, headless: it opens on the playground, a slider redraws the plane and
 * the plots from a new scene, every lesson sets up its scene, the default experiment reaches its
 * first DEQ solve, a plot opens in a window of its own, and runs go to the runs folder shown.
 */
@ExtendWith(ApplicationExtension.class)
class PlaygroundWindowTest extends WindowTest {

  @Start
  void start(Stage stage) {
    open(stage);
  }

  private PlaygroundView view() {
    return window.playground();
  }

  /** The scene drawn last, once the one for the current settings has been drawn. */
  private PlaygroundScene drawnSceneOfCurrentSetup() {
    await(
        "the scene of the current settings is drawn",
        60,
        () -> {
          PlaygroundScene scene = models.playground.scene().get();
          return scene != null && scene.setup().equals(models.playground.setup().get());
        });
    return fx(() -> models.playground.scene().get());
  }

  private static double[] ys(DataSet data) {
    return fx(
        () -> {
          double[] y = new double[data.getDataCount()];
          for (int i = 0; i < y.length; i++) {
            y[i] = data.get(DataSet.DIM_Y, i);
          }
          return y;
        });
  }

  @Test
  void theWindowOpensOnThePlaygroundWithTheFirstLesson() {
    assertSame(
        window.playgroundTab(), fx(() -> window.tabs().getSelectionModel().getSelectedItem()));
    assertSame(window.playgroundTab(), fx(() -> window.tabs().getTabs().get(0)));
    Lesson first = fx(() -> view().lessons().get(0));
    assertEquals(first, fx(() -> view().lesson()));
    PlaygroundScene scene = drawnSceneOfCurrentSetup();
    assertEquals(first.playground(), scene.setup());
    List<PhasePlane.Path> paths = fx(() -> view().plane().paths());
    assertEquals(5, paths.size(), "the unrolled stack and four solvers");
  }

  @Test
  void aSliderChangeRedrawsThePlaneAndThePlotsFromTheNewScene() {
    PlaygroundScene before = drawnSceneOfCurrentSetup();
    long drawnBefore = fx(() -> view().drawnScenes());
    long began = System.nanoTime();
    fxRun(() -> view().scaleSlider().setValue(1.25));
    await(
        "the scene for s = 1.25 is drawn",
        30,
        () ->
            view().drawnScenes() > drawnBefore
                && models.playground.scene().get().setup().scale() == 1.25);
    double millis = (System.nanoTime() - began) / 1e6;
    PlaygroundScene after = fx(() -> models.playground.scene().get());
    System.out.printf(
        Locale.ROOT,
        "playground: slider change to redrawn scene %.1f ms (scene computed in %.1f ms)%n",
        millis,
        after.solveMillis());
    assertFalse(before.equals(after));

    // the plane draws the new scene's iterates, solver by solver
    List<PhasePlane.Path> paths = fx(() -> view().plane().paths());
    for (SolverPath solver : after.paths()) {
      PhasePlane.Path drawn =
          paths.stream().filter(p -> p.name().startsWith(solver.name())).findFirst().orElseThrow();
      assertArrayEquals(
          solver.iterates().stream().mapToDouble(Point2::x).toArray(), drawn.x(), 0.0);
      assertArrayEquals(
          solver.iterates().stream().mapToDouble(Point2::y).toArray(), drawn.y(), 0.0);
    }
    // the residual plot holds Broyden's new trace
    DataSet broyden =
        fx(
            () ->
                view().residualChart().dataSets().stream()
                    .filter(d -> d.getName().equals("broyden"))
                    .findFirst()
                    .orElseThrow());
    assertArrayEquals(after.path("broyden").residuals().toArray(), ys(broyden), 0.0);
    // the eigenvalue plot and the readout hold ρ of the new equilibrium
    assertNotNull(after.equilibrium());
    double rho = after.equilibrium().spectralRadius();
    String name = fx(() -> view().eigenvalueChart().dataSets().get(0).getName());
    assertTrue(name.contains(String.format(Locale.ROOT, "%.3g", rho)), name + " vs ρ " + rho);
    String readout = fx(() -> ((Label) window.root().lookup("#pg-rho")).getText());
    assertTrue(readout.contains(String.format(Locale.ROOT, "ρ = %.3f", rho)), readout);

    // A benchmark, not a limit: the view's own clock from a slider change to the end of drawing
    // its scene (the fixed points are searched anew: every value is a new map), twenty times.
    double[] latencies = new double[20];
    double[] computing = new double[20];
    for (int i = 0; i < latencies.length; i++) {
      double value = 0.6 + 0.02 * i;
      long drawn = fx(() -> view().drawnScenes());
      fxRun(() -> view().scaleSlider().setValue(value));
      await(
          "the scene for s = " + value + " is drawn",
          30,
          () ->
              view().drawnScenes() > drawn
                  && models.playground.scene().get().setup().scale() == value);
      latencies[i] = fx(() -> view().lastRedrawMillis());
      computing[i] = fx(() -> models.playground.scene().get().solveMillis());
    }
    java.util.Arrays.sort(latencies);
    java.util.Arrays.sort(computing);
    System.out.printf(
        Locale.ROOT,
        "playground: slider change to drawn scene, median of 20: %.1f ms (fastest %.1f, slowest"
            + " %.1f ms); computing the scene: median %.1f ms%n",
        latencies[10],
        latencies[0],
        latencies[19],
        computing[10]);
  }

  @Test
  void everyLessonSetsUpItsScene() {
    List<Lesson> lessons = fx(() -> view().lessons());
    assertEquals(5, lessons.size());
    for (Lesson lesson : lessons) {
      fxRun(() -> view().showLesson(lesson));
      PlaygroundScene scene = drawnSceneOfCurrentSetup();
      assertEquals(lesson.playground(), scene.setup(), lesson.id());
      assertEquals(
          lesson.title(), fx(() -> ((Label) window.root().lookup("#lesson-title")).getText()));
      assertTrue(
          fx(() -> ((Label) window.root().lookup("#lesson-task")).getText())
              .contains(lesson.task()));
      if (lesson.experiment() != null) {
        assertEquals(lesson.experiment(), fx(() -> models.editor.config().get()), lesson.id());
      }
    }
    // what the lessons promise about their scenes
    fxRun(() -> view().showLesson(lessons.get(2)));
    PlaygroundScene failing = drawnSceneOfCurrentSetup();
    assertTrue(failing.equilibrium().spectralRadius() > 1, "lesson 3 starts past ρ = 1");
    assertFalse(failing.path("fixed-point").converged(), "and plain iteration fails there");
    assertTrue(failing.path("broyden").converged(), "while Broyden does not");
    assertEquals(
        2.0, fx(() -> models.editor.config().get().jacobian().weight()), "γ = 2 is loaded");
  }

  @Test
  void theDefaultExperimentReachesItsFirstDeqSolve() {
    fxRun(() -> models.editor.load(TinyExperiment.quickDefault(3)));
    fxRun(() -> window.startRun());
    await(
        "the first DEQ solve is drawn",
        120,
        () -> !window.charts().solverSteps().dataSets().isEmpty());
    await("the run has finished", 120, () -> models.run.state().get() == RunState.FINISHED);
    List<JsonNode> steps = logged(models.run.runLog(), "step");
    JsonNode first = steps.get(0);
    assertEquals(1, first.get("step").asInt());
    assertTrue(first.get("phase").asText().startsWith("deq("), first.get("phase").asText());
    assertFalse(first.get("forward").isNull(), "step 1 solves the DEQ");
    assertTrue(first.get("forward").get("steps").asInt() > 0);
    assertTrue(
        models.run.runLog().startsWith(runs), "the run is written under the runs folder shown");
    assertEquals(
        "Runs: " + runs, fx(() -> ((Label) window.root().lookup("#runs-folder")).getText()));
  }

  @Test
  void aPlotOpensInAWindowOfItsOwnAndComesBack() {
    fxRun(() -> window.tabs().getSelectionModel().select(window.trainingTab()));
    PlotPanel panel = fx(() -> window.panel(window.charts().training()));
    Scene main = fx(panel::getScene);
    fxRun(panel::toggleDetached);
    assertTrue(fx(panel::isDetached));
    Scene own = fx(panel::getScene);
    assertNotSame(main, own);
    assertTrue(fx(() -> own.getWidth() > 1000), "a large window of its own");
    fxRun(panel::toggleDetached);
    assertFalse(fx(panel::isDetached));
    assertSame(main, fx(panel::getScene), "back in its place");
  }
}
