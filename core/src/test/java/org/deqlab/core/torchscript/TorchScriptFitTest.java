package org.deqlab.core.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fitting a TorchScript cell's equilibrium to targets trains the module's own parameters. */
class TorchScriptFitTest extends EngineTest {
  private static final SolverOptions SOLVE =
      SolverOptions.defaults().withStopping(60, 1e-5, StopCriterion.ABSOLUTE);

  @Test
  void fittingLowersTheEquilibriumsErrorAndTheExportedModuleKeepsTheTrainedWeights(
      @TempDir Path directory) {
    manager.getEngine().setRandomSeed(16);
    try (TorchScriptProblem problem = TorchScriptFixtures.load("gated", manager)) {
      problem.requireTrainable();
      TorchScriptCell cell = problem.cell();
      TorchScriptFit.Data data =
          TorchScriptFit.Data.load(TorchScriptFixtures.file("gated-train.npz"), cell, manager);
      TorchScriptFit fit =
          new TorchScriptFit(
              cell,
              data,
              new TorchScriptFit.Settings(40, 16, 1e-2, 0.1, SolverKind.ANDERSON, SOLVE, SOLVE, 10),
              manager);
      double before = fit.evaluate();
      for (int i = 0; i < 40; i++) {
        TorchScriptFit.Step step = fit.step();
        assertTrue(step.regularization() > 0 && Double.isFinite(step.gradientNorm()));
      }
      double after = fit.evaluate();
      assertTrue(after < 0.5 * before, "MSE " + before + " → " + after);

      Path exported = directory.resolve("trained.pt");
      assertDoesNotThrowIo(() -> cell.export(exported));
      try (TorchScriptProblem reloaded =
          TorchScriptProblem.load(exported, TorchScriptFixtures.file("gated.npz"), manager)) {
        ParameterStore parameters = new ParameterStore(manager, false);
        NDArray trained = cell.apply(parameters, problem.z0(), problem.x(), false);
        NDArray again = reloaded.cell().apply(parameters, reloaded.z0(), reloaded.x(), false);
        assertEquals(0.0, trained.sub(again).abs().max().getFloat(), 1e-7);
      }
    }
  }

  @Test
  void targetsOfAnotherShapeAreRefusedNamingTheArray() {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("no-parameters", manager)) {
      Path file = TorchScriptFixtures.file("gated-train.npz");
      TorchScriptException e =
          assertThrows(
              TorchScriptException.class,
              () -> TorchScriptFit.Data.load(file, problem.cell(), manager));
      assertTrue(e.getMessage().startsWith(file + ": array "), e.getMessage());
    }
  }

  private interface IoAction {
    void run() throws java.io.IOException;
  }

  private static void assertDoesNotThrowIo(IoAction action) {
    try {
      action.run();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
