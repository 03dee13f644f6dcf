package org.deqlab.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.MlpCell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverWorkspace;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.solver.StopReason;
import org.deqlab.core.testing.CentralDifference;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gradients through the equilibrium, for the loss {@code L = Σ C⊙z* + ½‖z*‖²}: the implicit
 * function theorem against central finite differences, against a deep unrolled stack, and against a
 * long phantom unroll — all in float64.
 */
class ImplicitGradientTest extends EngineTest {
  private static final SolverOptions TIGHT =
      SolverOptions.defaults().withStopping(200, 1e-13, StopCriterion.ABSOLUTE);

  private MlpCell cell;
  private ParameterStore parameters;
  private NDArray x;
  private NDArray c;

  @BeforeAll
  void start() {
    manager.getEngine().setRandomSeed(11);
    cell = new MlpCell(8, 5, Activation.TANH, 0.35);
    cell.initialize(manager, DataType.FLOAT64);
    // A non-zero bias so that b's gradient is generic.
    cell.bias()
        .getArray()
        .set(
            manager
                .randomNormal(new Shape(8))
                .mul(0.3)
                .toType(DataType.FLOAT64, false)
                .toDoubleArray());
    parameters = new ParameterStore(manager, false);
    x = manager.randomNormal(new Shape(3, 5)).toType(DataType.FLOAT64, false);
    c = manager.randomNormal(new Shape(3, 8)).toType(DataType.FLOAT64, false);
  }

  private NDArray loss(NDArray z) {
    return z.mul(c).sum().add(z.square().sum().mul(0.5));
  }

  /** Gradients of the loss w.r.t. W, U, b and x through the given layer. */
  private Map<String, double[]> gradients(EquilibriumLayer layer, Optional<SolveStats>[] backward) {
    for (Parameter p : new Parameter[] {cell.weight(), cell.injectionWeight(), cell.bias()}) {
      Autograd.zeroGradient(p.getArray());
    }
    NDArray input = x.duplicate();
    input.setRequiresGradient(true);
    LayerPass pass = layer.forward(parameters, input, true, (k, a, r) -> {});
    NDArray value = Autograd.recording(true, () -> loss(pass.state()));
    Autograd.backward(value, false);
    Optional<SolveStats> stats = pass.completeBackward();
    if (backward != null) {
      backward[0] = stats;
    }
    Map<String, double[]> grads = new LinkedHashMap<>();
    grads.put("W", cell.weight().getArray().getGradient().toDoubleArray());
    grads.put("U", cell.injectionWeight().getArray().getGradient().toDoubleArray());
    grads.put("b", cell.bias().getArray().getGradient().toDoubleArray());
    grads.put("x", input.getGradient().toDoubleArray());
    return grads;
  }

  private DeqLayer implicitLayer() {
    return DeqLayer.implicit(cell, SolverKind.BROYDEN, TIGHT);
  }

  private double lossAt(NDArray input) {
    DeqLayer layer = implicitLayer();
    return loss(layer.solve(parameters, input, (k, a, r) -> {}).equilibrium()).getDouble();
  }

  private double[] finiteDifference(Parameter parameter) {
    return finiteDifference(parameter.getArray());
  }

  private double[] finiteDifferenceInput() {
    return finiteDifference(x);
  }

  private double[] finiteDifference(NDArray array) {
    double[] gradient = new double[Math.toIntExact(array.size())];
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = CentralDifference.partial(array, i, 1e-6, () -> lossAt(x));
    }
    return gradient;
  }

  @Test
  void implicitGradientsMatchCentralFiniteDifferencesForEveryParameterAndTheInput() {
    @SuppressWarnings("unchecked")
    Optional<SolveStats>[] backward = new Optional[1];
    Map<String, double[]> implicit = gradients(implicitLayer(), backward);

    Map<String, double[]> numeric = new LinkedHashMap<>();
    numeric.put("W", finiteDifference(cell.weight()));
    numeric.put("U", finiteDifference(cell.injectionWeight()));
    numeric.put("b", finiteDifference(cell.bias()));
    numeric.put("x", finiteDifferenceInput());

    for (String name : numeric.keySet()) {
      double error = Dense.relativeError(implicit.get(name), numeric.get(name));
      assertTrue(error < 1e-4, name + ": relative error " + error);
      double norm = Math.sqrt(java.util.Arrays.stream(numeric.get(name)).map(v -> v * v).sum());
      assertTrue(norm > 1e-3, name + " gradient should be non-trivial, norm " + norm);
    }
    assertTrue(backward[0].isPresent(), "the implicit backward reports its solve");
    assertEquals(StopReason.CONVERGED, backward[0].get().stopReason());
    assertTrue(backward[0].get().steps() > 1);
  }

  @Test
  void implicitGradientsMatchADeepUnrolledStackOfTheSameContractiveCell() {
    Map<String, double[]> implicit = gradients(implicitLayer(), null);
    Map<String, double[]> unrolled = gradients(new UnrolledLayer(cell, 120), null);
    for (String name : implicit.keySet()) {
      double error = Dense.relativeError(implicit.get(name), unrolled.get(name));
      assertTrue(error < 1e-8, name + ": implicit vs unrolled(120) relative error " + error);
    }
  }

  @Test
  void aLongPhantomUnrollApproachesTheImplicitGradientAndOneStepOnlyApproximatesIt() {
    Map<String, double[]> implicit = gradients(implicitLayer(), null);
    DeqLayer phantom =
        new DeqLayer(cell, SolverKind.BROYDEN, TIGHT, new BackwardMode.Phantom(60, 1.0));
    DeqLayer oneStep = new DeqLayer(cell, SolverKind.BROYDEN, TIGHT, BackwardMode.oneStep());
    Map<String, double[]> longUnroll = gradients(phantom, null);
    Map<String, double[]> single = gradients(oneStep, null);
    for (String name : implicit.keySet()) {
      double longError = Dense.relativeError(longUnroll.get(name), implicit.get(name));
      double oneStepError = Dense.relativeError(single.get(name), implicit.get(name));
      assertTrue(longError < 1e-6, name + ": phantom(60) error " + longError);
      assertTrue(oneStepError > longError, name + ": one step should be the cruder estimate");
      assertTrue(
          oneStepError < 1,
          name + ": one step should still point the right way, error " + oneStepError);
    }
  }

  /**
   * The forward solve leaves its buffers for the adjoint solve, which reuses them; they are freed
   * before the recorded application of f that ends the backward (the step's memory peak), and
   * before a phantom unroll, which has no solve to reuse them.
   */
  @Test
  void solverBuffersAreHeldFromTheForwardToTheAdjointSolveAndFreedBeforeTheFinalVjp() {
    try (SolverWorkspace workspace = new SolverWorkspace(manager)) {
      NDArray input = x.duplicate();
      LayerPass pass =
          implicitLayer()
              .withWorkspace(workspace)
              .forward(parameters, input, true, IterationListener.NONE);
      long afterForward = workspace.bufferBytes();
      Autograd.backward(Autograd.recording(true, () -> loss(pass.state())), false);
      pass.completeBackward();

      assertTrue(afterForward > 0, "Broyden's history is kept for the adjoint solve");
      assertEquals(0, workspace.bufferBytes());
      DeqLayer phantom =
          new DeqLayer(cell, SolverKind.ANDERSON, TIGHT, new BackwardMode.Phantom(5, 1.0))
              .withWorkspace(workspace);
      phantom.forward(parameters, input, true, IterationListener.NONE);
      assertEquals(0, workspace.bufferBytes());
    }
  }

  @Test
  void deqAndUnrolledLayersShareTheCellsParameters() {
    DeqLayer deq = implicitLayer();
    UnrolledLayer unrolled = new UnrolledLayer(cell, 80);
    assertTrue(deq.cell() == unrolled.cell());
    double[] deqState = deq.forward(parameters, x, false, (k, a, r) -> {}).state().toDoubleArray();
    double[] deepState =
        Autograd.noGrad(() -> unrolled.forward(parameters, x, false, (k, a, r) -> {}).state())
            .toDoubleArray();
    assertTrue(Dense.relativeError(deepState, deqState) < 1e-10);
  }
}
