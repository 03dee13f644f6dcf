package org.deqlab.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import org.deqlab.core.playground.PlaneMapKind;
import org.deqlab.core.playground.Playground;
import org.deqlab.core.playground.PlaygroundScene;
import org.deqlab.core.playground.PlaygroundSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The playground's view-model on the test's thread, without sleeps: every change yields the scene
 * of the latest settings, changes made while a scene is computed fold into one, and a value out of
 * range is refused with its reason while the settings stay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaygroundViewModelTest {
  private Playground playground;
  private final List<PlaygroundSetup> solved = new ArrayList<>();

  @BeforeAll
  void open() {
    playground = Playground.onCpu(DataType.FLOAT64);
  }

  @AfterAll
  void close() {
    playground.close();
  }

  private PlaygroundScene solve(PlaygroundSetup setup) {
    solved.add(setup);
    return playground.solve(setup);
  }

  @Test
  void everyChangeBringsTheSceneOfTheNewSettings() {
    Executor now = Runnable::run;
    PlaygroundViewModel model =
        new PlaygroundViewModel(this::solve, now, now, PlaygroundSetup.defaults());
    assertNotNull(model.scene().get(), "the first scene is computed at once");
    model.update(s -> s.withScale(1.3).withMap(PlaneMapKind.LINEAR));
    PlaygroundScene scene = model.scene().get();
    assertEquals(1.3, scene.setup().scale());
    assertEquals(PlaneMapKind.LINEAR, scene.setup().map());
    assertEquals(1.3, scene.equilibrium().spectralRadius(), 1e-9, "ρ of s·R(θ) is s");
    assertEquals(scene.setup(), model.setup().get());
  }

  @Test
  void changesMadeWhileASceneIsComputedFoldIntoOne() {
    Deque<Runnable> computeQueue = new ArrayDeque<>();
    Executor now = Runnable::run;
    solved.clear();
    PlaygroundViewModel model =
        new PlaygroundViewModel(this::solve, computeQueue::add, now, PlaygroundSetup.defaults());
    for (int i = 1; i <= 5; i++) {
      double scale = 0.5 + 0.1 * i;
      model.update(s -> s.withScale(scale));
    }
    assertNull(model.scene().get(), "nothing computed yet");
    assertEquals(1, computeQueue.size(), "one computation is scheduled, not six");
    computeQueue.poll().run();
    assertEquals(1, solved.size(), "only the latest settings are solved");
    assertEquals(1.0, model.scene().get().setup().scale(), 1e-12);
    assertTrue(computeQueue.isEmpty());
  }

  @Test
  void aValueOutOfRangeIsRefusedWithItsReason() {
    Executor now = Runnable::run;
    PlaygroundViewModel model =
        new PlaygroundViewModel(this::solve, now, now, PlaygroundSetup.defaults());
    model.update(s -> s.withDamping(0));
    assertTrue(
        model.problem().get().contains("damping τ must be in (0, 1]"), model.problem().get());
    assertEquals(PlaygroundSetup.defaults(), model.setup().get());
  }

  @Test
  void theReadoutTellsHowIterationMovesNearTheEquilibrium() {
    assertTrue(
        PlaygroundView.nearEquilibrium(
                org.deqlab.core.playground.Matrix2.scaledRotation(0.8, Math.toRadians(30))
                    .eigenvalues())
            .contains("spirals in, turning 30° per step"));
    assertTrue(
        PlaygroundView.nearEquilibrium(
                org.deqlab.core.playground.Matrix2.diagonal(-1.4, 0.2).eigenvalues())
            .contains("ever wider"));
    assertTrue(
        PlaygroundView.nearEquilibrium(
                org.deqlab.core.playground.Matrix2.diagonal(0.9, 0.1).eigenvalues())
            .contains("creeps in"));
  }
}
