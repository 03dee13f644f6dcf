package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.Random;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.layer.UnrolledLayer;
import org.deqlab.core.solver.StopReason;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.GradientCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a sequence cell must do beyond {@link CellContract}: causality (position t of f and of z*
 * depends only on positions ≤ t) and variational dropout whose mask stays fixed for a whole pass —
 * every solver iteration and the backward — and changes between passes.
 */
abstract class SequenceCellContract extends CellContract {
  private static final int BATCH = 2;
  private static final int LENGTH = 5;

  /** Positions after this one are changed in the causality tests. */
  private static final int CUT = 2;

  private static final double DROPOUT = 0.3;

  private Cell droppingCell;
  private GradientCheck droppingCheck;

  /** A new, uninitialized contractive cell with the given variational dropout rate. */
  protected abstract Cell newCell(double dropout);

  /** The width p of the cells' input. */
  protected abstract int inputSize();

  @Override
  protected final Cell newCell() {
    return newCell(0);
  }

  @Override
  protected final Shape inputShape() {
    return new Shape(BATCH, LENGTH, inputSize());
  }

  @BeforeAll
  void startDropout() {
    droppingCell = newCell(DROPOUT);
    droppingCell.initialize(manager, DataType.FLOAT64);
    droppingCheck = new GradientCheck(manager, droppingCell, check.input(), seed());
  }

  /** A copy of a (B, T, C) array with fresh random values at every position after {@link #CUT}. */
  private NDArray changedAfterCut(NDArray sequence, long seed) {
    Shape shape = sequence.getShape();
    long channels = shape.get(2);
    double[] values = sequence.toDoubleArray();
    Random random = new Random(seed);
    for (int i = 0; i < values.length; i++) {
      long position = (i / channels) % shape.get(1);
      if (position > CUT) {
        values[i] = random.nextGaussian();
      }
    }
    return manager.create(values, shape);
  }

  /** max over batch and channels of |a − b|, per position. */
  private static double[] differencePerPosition(NDArray a, NDArray b) {
    Shape shape = a.getShape();
    long channels = shape.get(2);
    int length = (int) shape.get(1);
    double[] av = a.toDoubleArray();
    double[] bv = b.toDoubleArray();
    double[] worst = new double[length];
    for (int i = 0; i < av.length; i++) {
      int position = (int) ((i / channels) % length);
      worst[position] = Math.max(worst[position], Math.abs(av[i] - bv[i]));
    }
    return worst;
  }

  private void assertCausal(double[] difference, double tolerance) {
    for (int t = 0; t <= CUT; t++) {
      assertTrue(
          difference[t] <= tolerance,
          "position " + t + " changed by " + difference[t] + " when only later positions did");
    }
    assertTrue(
        difference[CUT + 1] > 1e-4,
        "position "
            + (CUT + 1)
            + " should follow its own input, changed by only "
            + difference[CUT + 1]);
  }

  private NDArray randomState(long seed) {
    return GradientCheck.gaussian(manager, cell.stateShape(inputShape()), 1.0, new Random(seed));
  }

  @Test
  void theCellIsCausalInItsStateAndInItsInput() {
    ParameterStore parameters = check.parameters();
    NDArray x = check.input();
    NDArray z = randomState(21);
    NDArray image = cell.apply(parameters, z, cell.inject(parameters, x, false), false);
    NDArray xLater = changedAfterCut(x, 22);
    NDArray zLater = changedAfterCut(z, 23);
    NDArray changed = cell.apply(parameters, zLater, cell.inject(parameters, xLater, false), false);
    assertCausal(differencePerPosition(image, changed), 1e-14);
  }

  @Test
  void theEquilibriumIsCausal() {
    NDArray x = check.input();
    NDArray equilibrium = check.solve(x).equilibrium();
    NDArray changed = check.solve(changedAfterCut(x, 24)).equilibrium();
    assertCausal(differencePerPosition(equilibrium, changed), 1e-11);
  }

  @Test
  void theDropoutMaskIsSharedByEveryApplicationWithinAPass() {
    ParameterStore parameters = droppingCheck.parameters();
    NDArray x = droppingCheck.input();
    NDArray z = randomState(31);
    droppingCell.startPass(x, true);
    NDArray injection = droppingCell.inject(parameters, x, true);
    double[] first = droppingCell.apply(parameters, z, injection, true).toDoubleArray();
    double[] second = droppingCell.apply(parameters, z, injection, true).toDoubleArray();
    assertArrayEquals(first, second, 0.0, "f must be one fixed map within a pass");
    double[] evaluation = droppingCell.apply(parameters, z, injection, false).toDoubleArray();
    assertTrue(
        Dense.relativeError(first, evaluation) > 1e-3, "dropout should change f in training");
  }

  @Test
  void everyPassDrawsANewMask() {
    ParameterStore parameters = droppingCheck.parameters();
    NDArray x = droppingCheck.input();
    NDArray z = randomState(32);
    droppingCell.startPass(x, true);
    NDArray injection = droppingCell.inject(parameters, x, true);
    double[] first = droppingCell.apply(parameters, z, injection, true).toDoubleArray();
    droppingCell.startPass(x, true);
    double[] second = droppingCell.apply(parameters, z, injection, true).toDoubleArray();
    assertTrue(Dense.relativeError(second, first) > 1e-3, "a new pass should draw a new mask");
  }

  @Test
  void dropoutIsOffInEvaluation() {
    ParameterStore parameters = droppingCheck.parameters();
    NDArray x = droppingCheck.input();
    NDArray z = randomState(33);
    NDArray injection = droppingCell.inject(parameters, x, false);
    droppingCell.startPass(x, true);
    double[] afterTrainingPass =
        droppingCell.apply(parameters, z, injection, false).toDoubleArray();
    droppingCell.startPass(x, false);
    double[] afterEvaluationPass =
        droppingCell.apply(parameters, z, injection, false).toDoubleArray();
    assertArrayEquals(afterEvaluationPass, afterTrainingPass, 0.0);

    IllegalStateException noMask =
        assertThrows(
            IllegalStateException.class, () -> droppingCell.apply(parameters, z, injection, true));
    assertTrue(noMask.getMessage().contains("startPass"), noMask.getMessage());
  }

  @Test
  void withDropoutTheDeqSolvesOneFixedMapAndItsImplicitGradientIsTheUnrolledOneUnderTheSameMask() {
    DeqLayer deq = droppingCheck.implicitLayer();
    LayerPass pass =
        deq.forward(droppingCheck.parameters(), droppingCheck.input(), true, (k, a, r) -> {});
    assertEquals(
        StopReason.CONVERGED,
        pass.forwardStats().orElseThrow().stopReason(),
        "a mask redrawn per iteration would keep the solve from converging to 1e-12");

    manager.getEngine().setRandomSeed(99);
    Map<String, double[]> implicit = droppingCheck.gradients(deq);
    manager.getEngine().setRandomSeed(99);
    Map<String, double[]> unrolled = droppingCheck.gradients(new UnrolledLayer(droppingCell, 80));
    manager.getEngine().setRandomSeed(100);
    Map<String, double[]> otherMask = droppingCheck.gradients(deq);
    for (String name : implicit.keySet()) {
      double error = Dense.relativeError(unrolled.get(name), implicit.get(name));
      assertTrue(error < 1e-8, name + ": implicit vs unrolled(80) under one mask, error " + error);
    }
    double change =
        Dense.relativeError(otherMask.get(GradientCheck.INPUT), implicit.get(GradientCheck.INPUT));
    assertTrue(change > 1e-3, "another mask should give another gradient, changed by " + change);
  }
}
