package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.GradientCheck;
import org.junit.jupiter.api.Test;

/**
 * Why the copy-memory TrellisNet stayed at the trivial baseline, as a property of the equilibrium:
 * how much z*_t depends on the input 110 positions back (the copy gap at T = 100), through the
 * implicit gradient, on freshly initialized cells. With 3 taps the dependence has to cross 55
 * applications of a contractive f and is numerically nothing, so the loss at the recall positions
 * gets no gradient from the symbols it should recall; with a tap at every lag up to 127 it is one
 * application away.
 */
class TrellisReachTest extends EngineTest {
  private static final int GAP = 110;
  private static final int LENGTH = 120;

  /** ‖∂z*_{GAP+5} / ∂x_5‖ relative to ‖∂z*_{GAP+5} / ∂x_{GAP+5}‖ for a fresh cell of this shape. */
  private double reach(int kernelSize) {
    try (NDManager scope = manager.newSubManager()) {
      scope.getEngine().setRandomSeed(3);
      TrellisCell cell =
          new TrellisCell(TrellisCell.Config.of(8, 4, kernelSize, 1, 0.5).withWeightNorm(true));
      cell.initialize(scope, DataType.FLOAT64);
      NDArray x = GradientCheck.gaussian(scope, new Shape(1, LENGTH, 4), 1, new Random(4));
      x.setRequiresGradient(true);
      SolverOptions tight = SolverOptions.defaults().withMaxIterations(300).withTolerance(1e-12);
      DeqLayer layer = DeqLayer.implicit(cell, SolverKind.BROYDEN, tight);
      LayerPass pass = layer.forward(new ParameterStore(scope, false), x, true, (k, a, r) -> {});
      int recall = GAP + 5;
      NDArray selected =
          Autograd.recording(true, () -> pass.state().get(new NDIndex(":, {}, :", recall)).sum());
      Autograd.backward(selected, false);
      pass.completeBackward();
      NDArray gradient = x.getGradient();
      double far = gradient.get(new NDIndex(":, 5, :")).norm().getDouble();
      double near = gradient.get(new NDIndex(":, {}, :", recall)).norm().getDouble();
      return far / near;
    }
  }

  @Test
  void withThreeTapsTheRecallPositionIsBlindToTheSymbolItShouldRecall() {
    double threeTaps = reach(3);
    double everyLag = reach(128);
    System.out.printf(
        "‖∂z*_115/∂x_5‖ / ‖∂z*_115/∂x_115‖ at initialization: kernel 3: %.1e, kernel 128: %.1e%n",
        threeTaps, everyLag);
    assertTrue(threeTaps < 1e-12, "kernel 3: " + threeTaps);
    assertTrue(everyLag > 1e-3, "kernel 128: " + everyLag);
  }
}
