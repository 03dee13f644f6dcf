package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.layer.UnrolledLayer;
import org.deqlab.core.numerics.CheckedCell;
import org.deqlab.core.numerics.PrecisionCheck;
import org.deqlab.core.numerics.PrecisionOutcome;
import org.deqlab.core.numerics.Probe;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.StopReason;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.GradientCheck;
import org.deqlab.core.testing.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every cell must do, checked on a tiny contractive float64 instance: implicit gradients that
 * match finite differences, one set of parameters shared by the DEQ and the unrolled layer,
 * parameters that survive DJL's save/load (checkpoints), and float32 training passes whose
 * gradients — of f, and of the DEQ (implicit and phantom backward) and unrolled layers — agree with
 * the float64 twin's, in the precision users train in. A cell's test class extends this and says
 * how to build the cell.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CellContract {
  /** Sampled entries per parameter in the finite-difference check. */
  private static final int ENTRIES_PER_PARAMETER = 12;

  private static final double STEP = 1e-5;

  /**
   * Float32 against float64: a cell VJP to 1e-5 (float32 rounding gives 1e-7–1e-6 here), layers to
   * 1e-4 (their solves add a little), the Jacobian term's forward difference to 3e-3 (its rounding
   * is about ε/h ≈ 6e-5 of f, measured 3e-4–5e-4 in its gradient).
   */
  private static final PrecisionCheck.Tolerances FLOAT32_TOLERANCES =
      new PrecisionCheck.Tolerances(1e-5, 1e-4, 3e-3);

  /** The float32 tolerances of this cell's checks ({@link #FLOAT32_TOLERANCES} unless it says). */
  protected PrecisionCheck.Tolerances float32Tolerances() {
    return FLOAT32_TOLERANCES;
  }

  protected NDManager manager;
  protected Cell cell;
  protected GradientCheck check;

  /** A new, uninitialized cell that is contractive in float64 on {@link #input}. */
  protected abstract Cell newCell();

  /** The shape of the test input. */
  protected abstract Shape inputShape();

  /** The standard deviation of the test input's entries. */
  protected double inputScale() {
    return 1;
  }

  protected int seed() {
    return 7;
  }

  @BeforeAll
  void start() {
    manager = TestEngine.newManager();
    manager.getEngine().setRandomSeed(seed());
    cell = newCell();
    cell.initialize(manager, DataType.FLOAT64);
    Random random = new Random(seed());
    GradientCheck.jitterBiasesAndGains(cell, 0.1, random);
    NDArray x = GradientCheck.gaussian(manager, inputShape(), inputScale(), random);
    check = new GradientCheck(manager, cell, x, seed());
  }

  @AfterAll
  void stop() {
    manager.close();
  }

  @Test
  void theForwardSolveConvergesTightly() {
    SolverResult solved = check.solve(check.input());
    assertEquals(
        StopReason.CONVERGED,
        solved.stats().stopReason(),
        "the test instance must be contractive enough for a 1e-12 solve");
    assertEquals(cell.stateShape(check.input().getShape()), solved.equilibrium().getShape());
  }

  @Test
  void implicitGradientsMatchCentralFiniteDifferencesForEveryParameterAndTheInput() {
    List<GradientCheck.Comparison> comparisons =
        check.compareWithFiniteDifferences(check.implicitLayer(), ENTRIES_PER_PARAMETER, STEP);
    assertEquals(cell.getParameters().size() + 1, comparisons.size());
    for (GradientCheck.Comparison comparison : comparisons) {
      assertTrue(comparison.relativeError() < 1e-4, comparison.toString());
      assertTrue(
          comparison.numericNorm() > 1e-6, "the gradient should be non-trivial: " + comparison);
    }
  }

  @Test
  void deqAndUnrolledLayersShareTheCellsParametersAndAgreeWhenDeep() {
    DeqLayer deq = check.implicitLayer();
    UnrolledLayer unrolled = new UnrolledLayer(cell, 80);
    assertSame(deq.cell(), unrolled.cell());
    ParameterStore parameters = check.parameters();
    double[] equilibrium =
        deq.forward(parameters, check.input(), false, (k, a, r) -> {}).state().toDoubleArray();
    double[] deep =
        Autograd.noGrad(
                () -> unrolled.forward(parameters, check.input(), false, (k, a, r) -> {}).state())
            .toDoubleArray();
    assertTrue(
        Dense.relativeError(deep, equilibrium) < 1e-10,
        "unrolled(80) vs DEQ state: " + Dense.relativeError(deep, equilibrium));

    Map<String, double[]> implicit = check.gradients(deq);
    Map<String, double[]> backpropagated = check.gradients(unrolled);
    for (String name : implicit.keySet()) {
      double error = Dense.relativeError(backpropagated.get(name), implicit.get(name));
      assertTrue(
          error < 1e-8, name + ": implicit vs unrolled(80) gradient, relative error " + error);
    }
  }

  @Test
  void parametersRoundTripThroughDjlSaveAndLoad() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      cell.saveParameters(out);
    }
    Cell copy = newCell();
    copy.initialize(manager, DataType.FLOAT64);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy.loadParameters(manager, in);
    }
    ParameterStore parameters = check.parameters();
    NDArray x = check.input();
    NDArray z = GradientCheck.gaussian(manager, cell.stateShape(x.getShape()), 1, new Random(5));
    double[] original =
        cell.apply(parameters, z, cell.inject(parameters, x, false), false).toDoubleArray();
    double[] restored =
        copy.apply(parameters, z, copy.inject(parameters, x, false), false).toDoubleArray();
    // Exact, up to state a cell re-derives from its parameters (a spectral norm's σ̂, which the
    // copy estimates afresh, to rounding).
    double scale = java.util.Arrays.stream(original).map(Math::abs).max().orElse(1);
    assertArrayEquals(original, restored, 1e-13 * scale);
  }

  @ParameterizedTest
  @EnumSource(Probe.class)
  void float32GradientsAgreeWithTheFloat64Twin(Probe probe) {
    CheckedCell subject =
        new CheckedCell(getClass().getSimpleName(), this::newCell, inputShape(), inputScale());
    PrecisionOutcome outcome =
        new PrecisionCheck(float32Tolerances(), seed()).run(subject, probe, manager);
    System.out.println(outcome.describe());
    assertTrue(outcome.passed(), outcome.describe() + " " + outcome.errors());
  }

  @Test
  void trainsInFloat32WithFiniteFloat32Gradients() {
    try (NDManager scoped = manager.newSubManager()) {
      Cell single = newCell();
      single.initialize(scoped, DataType.FLOAT32);
      NDArray x =
          GradientCheck.gaussian(scoped, inputShape(), inputScale(), new Random(3))
              .toType(DataType.FLOAT32, false);
      x.setRequiresGradient(true);
      DeqLayer layer =
          new DeqLayer(
              single,
              SolverKind.ANDERSON,
              SolverOptions.defaults().withMaxIterations(40).withTolerance(1e-4),
              new BackwardMode.Implicit(SolverKind.ANDERSON, SolverOptions.defaults()));
      ParameterStore parameters = new ParameterStore(scoped, false);
      LayerPass pass = layer.forward(parameters, x, true, (k, a, r) -> {});
      assertEquals(DataType.FLOAT32, pass.state().getDataType());
      NDArray loss = Autograd.recording(true, () -> pass.state().square().sum());
      Autograd.backward(loss, false);
      pass.completeBackward();
      for (Pair<String, ai.djl.nn.Parameter> entry : single.getParameters()) {
        NDArray gradient = entry.getValue().getArray().getGradient();
        assertEquals(DataType.FLOAT32, gradient.getDataType(), entry.getKey());
        for (float value : gradient.toFloatArray()) {
          assertTrue(Float.isFinite(value), entry.getKey() + " has a non-finite gradient");
        }
      }
      assertTrue(x.getGradient().abs().sum().getFloat() > 0, "the input receives gradient");
    }
  }
}
