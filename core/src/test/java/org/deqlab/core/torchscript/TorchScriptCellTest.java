package org.deqlab.core.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.io.NpzFiles;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.layer.UnrolledLayer;
import org.deqlab.core.numerics.Differences;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user's TorchScript cell, saved by PyTorch 1.13, run by the workbench's solvers and backward
 * passes in float32: its forward is PyTorch's, its equilibrium is plain iteration's, its gradients
 * are finite differences', and a bad file is refused with one line.
 */
class TorchScriptCellTest extends EngineTest {
  private static final SolverOptions TIGHT =
      SolverOptions.defaults().withStopping(200, 1e-6, StopCriterion.ABSOLUTE);

  @Test
  void forwardAndEquilibriumAgreeWithPyTorchAndWithPlainIteration() {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("mlp", manager)) {
      Map<String, NDArray> pytorch =
          NpzFiles.read(TorchScriptFixtures.file("mlp-pytorch.npz"), manager);
      ParameterStore parameters = new ParameterStore(manager, false);
      TorchScriptCell cell = problem.cell();
      NDArray f0 = cell.apply(parameters, problem.z0(), problem.x(), false);
      assertTrue(maxDifference(f0, pytorch.get("f_at_z0")) < 1e-6);

      NDArray z = problem.z0();
      for (int i = 0; i < 300; i++) {
        z = cell.apply(parameters, z, problem.x(), false);
      }
      for (SolverKind kind : SolverKind.values()) {
        SolverResult solved =
            new DeqLayer(cell, kind, TIGHT, BackwardMode.oneStep())
                .solve(parameters, problem.x(), IterationListener.NONE);
        assertTrue(solved.converged(), kind + ": " + solved.stopReason());
        assertTrue(maxDifference(solved.equilibrium(), z) < 1e-5, kind.label());
        assertTrue(maxDifference(solved.equilibrium(), pytorch.get("equilibrium")) < 1e-5);
      }
    }
  }

  /**
   * The sequence fixture is causal (each position sees itself and the one before), so on x repeated
   * to twice its length the equilibrium's first half is the loaded length's equilibrium.
   */
  @Test
  void aSequenceCellSolvesAtOtherLengthsAndItsCausalEquilibriumAgrees() {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("sequence", manager)) {
      TorchScriptCell cell = problem.cell();
      assertTrue(cell.hasLengthAxis());
      ParameterStore parameters = new ParameterStore(manager, false);
      DeqLayer layer = new DeqLayer(cell, SolverKind.ANDERSON, TIGHT, BackwardMode.oneStep());
      NDArray loaded = layer.solve(parameters, problem.x(), IterationListener.NONE).equilibrium();
      NDArray doubled = TorchScriptSweep.ofLength(problem.x(), 24, manager);
      SolverResult longer = layer.solve(parameters, doubled, IterationListener.NONE);
      assertTrue(longer.converged());
      assertEquals(new ai.djl.ndarray.types.Shape(4, 24, 16), longer.equilibrium().getShape());
      NDArray firstHalf = longer.equilibrium().get(new ai.djl.ndarray.index.NDIndex(":, :12"));
      assertTrue(maxDifference(firstHalf, loaded) < 1e-5);
      List<TorchScriptSweep.Point> points =
          TorchScriptSweep.run(problem, List.of(6, 50), SolverKind.ANDERSON, TIGHT, p -> {});
      assertTrue(points.stream().allMatch(TorchScriptSweep.Point::converged), points.toString());
    }
    try (TorchScriptProblem flat = TorchScriptFixtures.load("mlp", manager)) {
      TorchScriptException e =
          assertThrows(
              TorchScriptException.class,
              () -> TorchScriptSweep.run(flat, List.of(4), SolverKind.ANDERSON, TIGHT, p -> {}));
      assertTrue(e.getMessage().contains("needs a sequence cell"), e.getMessage());
    }
  }

  /** Solves and training passes free what they create: the solver's scopes catch the module's. */
  @Test
  void repeatedSolvesAndTrainingPassesLeaveNoArraysBehind() {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("gated", manager);
        ai.djl.ndarray.NDManager scope = manager.newSubManager()) {
      TorchScriptCell cell = problem.cell();
      ParameterStore parameters = new ParameterStore(scope, false);
      DeqLayer layer = DeqLayer.implicit(cell, SolverKind.ANDERSON, TIGHT);
      int[] counts = new int[3];
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 20; i++) {
          try (ai.djl.ndarray.NDScope step = new ai.djl.ndarray.NDScope()) {
            layer.solve(parameters, problem.x(), IterationListener.NONE);
            LayerPass pass = layer.forward(parameters, problem.x(), true, IterationListener.NONE);
            NDArray loss = Autograd.recording(true, () -> pass.state().sum());
            Autograd.backward(loss, false);
            pass.completeBackward();
          }
          for (Parameter parameter : cell.getParameters().values()) {
            Autograd.zeroGradient(parameter.getArray());
          }
        }
        counts[round] = scope.getManagedArrays().size() + manager.getManagedArrays().size();
      }
      assertEquals(counts[1], counts[2], java.util.Arrays.toString(counts));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "gated"})
  void vectorJacobianProductsAgreeWithFiniteDifferencesOnLoad(String name) {
    try (TorchScriptProblem problem = TorchScriptFixtures.load(name, manager)) {
      TorchScriptGradientCheck.Result check = problem.gradientCheck();
      assertTrue(check.passed(), check.toString());
      assertEquals(
          List.of("z", "x", "parameters"),
          check.agreements().stream().map(TorchScriptGradientCheck.Agreement::with).toList());
      assertTrue(check.worstError() < 2e-3, check.toString());
      assertTrue(check.float64().contains("does not run in float64"), check.float64());
      problem.requireTrainable(); // does not throw
    }
  }

  /**
   * The IFT gradient of the cell's parameters and input through the DEQ equals back-propagation
   * through a deep unrolled stack (the cell is contractive): products with respect to z alone must
   * leave no spurious gradient on the module's own parameters.
   */
  @Test
  void implicitGradientsOfTheModulesParametersMatchADeepUnrolledStack() {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("gated", manager)) {
      TorchScriptCell cell = problem.cell();
      DeqLayer deq = DeqLayer.implicit(cell, SolverKind.BROYDEN, TIGHT);
      double[] implicit = gradients(cell, deq, problem.x());
      double[] unrolled = gradients(cell, new UnrolledLayer(cell, 80), problem.x());
      assertTrue(Differences.relative(implicit, unrolled) < 1e-3);
      // Plain iteration's equilibrium is the module's own output, then the backward's leaf.
      DeqLayer plain = DeqLayer.implicit(cell, SolverKind.FIXED_POINT, TIGHT);
      assertTrue(Differences.relative(gradients(cell, plain, problem.x()), unrolled) < 1e-3);
      double[] phantom =
          gradients(
              cell,
              new DeqLayer(cell, SolverKind.ANDERSON, TIGHT, new BackwardMode.Phantom(40, 1.0)),
              problem.x());
      assertTrue(Differences.relative(phantom, unrolled) < 1e-3);
    }
  }

  @Test
  void aFewChannelConvolutionFailsTheGradientCheckAndIsRefusedForTrainingButStillSolves() {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("conv2", manager)) {
      TorchScriptGradientCheck.Result check = problem.gradientCheck();
      assertFalse(check.passed());
      TorchScriptGradientCheck.Agreement z = check.agreements().get(0);
      assertEquals("z", z.with());
      assertTrue(z.relativeError() > 0.05, z.toString());
      TorchScriptException refused =
          assertThrows(TorchScriptException.class, problem::requireTrainable);
      assertTrue(refused.getMessage().contains("refused for training"));
      assertTrue(refused.getMessage().contains("relative error"));
      assertFalse(refused.getMessage().contains("\n"));
      SolverResult solved =
          new DeqLayer(problem.cell(), SolverKind.ANDERSON, TIGHT, BackwardMode.oneStep())
              .solve(new ParameterStore(manager, false), problem.x(), IterationListener.NONE);
      assertTrue(solved.converged(), solved.stopReason().toString());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bad-arity.pt|forward must take two arguments (z, x)",
        "bad-shape.pt|returned shape (3, 2) for z of shape (3, 4)",
        "bad-dtype.pt|returned float64 for z of float32",
        "bad-nonfinite.pt|not finite",
        "bad-newer.pt|saved by a newer PyTorch (file format version 99",
        "bad-state-dict.pt|not a TorchScript file",
        "bad-arity.npz|not a TorchScript file",
        "missing.pt|file not found"
      })
  void eachBadCellIsRefusedWithOneLineNamingTheFile(String fileAndMessage) {
    String[] parts = fileAndMessage.split("\\|");
    Path file = TorchScriptFixtures.file(parts[0]);
    TorchScriptException e =
        assertThrows(
            TorchScriptException.class,
            () ->
                TorchScriptProblem.load(file, TorchScriptFixtures.file("bad-arity.npz"), manager));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void anInputWithoutZ0IsRefusedNamingTheArray() {
    Path input = TorchScriptFixtures.file("gated-train.npz");
    TorchScriptException e =
        assertThrows(
            TorchScriptException.class,
            () -> TorchScriptProblem.load(TorchScriptFixtures.file("gated.pt"), input, manager));
    assertTrue(e.getMessage().startsWith(input + ": missing array 'z0'"), e.getMessage());
  }

  @Test
  void aCellWithoutParametersSolvesButIsRefusedForTraining() {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("no-parameters", manager)) {
      assertFalse(problem.cell().trainable());
      assertTrue(problem.gradientCheck().passed(), problem.gradientCheck().toString());
      assertTrue(problem.gradientCheck().float64().isEmpty(), "a parameterless module converts");
      TorchScriptException e = assertThrows(TorchScriptException.class, problem::requireTrainable);
      assertTrue(e.getMessage().endsWith("the module has no parameters to train"));
    }
  }

  /** An in-place change of the DJL parameters is the module's; the exported file carries it. */
  @Test
  void exportedModuleReloadsWithTheChangedParameters(@TempDir Path directory) throws Exception {
    try (TorchScriptProblem problem = TorchScriptFixtures.load("gated", manager)) {
      TorchScriptCell cell = problem.cell();
      ParameterStore parameters = new ParameterStore(manager, false);
      NDArray before = cell.apply(parameters, problem.z0(), problem.x(), false);
      for (Pair<String, Parameter> entry : cell.getParameters()) {
        entry.getValue().getArray().muli(1.25);
      }
      NDArray changed = cell.apply(parameters, problem.z0(), problem.x(), false);
      assertTrue(maxDifference(before, changed) > 1e-3);
      Path exported = directory.resolve("trained.pt");
      cell.export(exported);
      assertTrue(Files.size(exported) > 0);
      try (TorchScriptProblem reloaded =
          TorchScriptProblem.load(exported, TorchScriptFixtures.file("gated.npz"), manager)) {
        NDArray again = reloaded.cell().apply(parameters, reloaded.z0(), reloaded.x(), false);
        assertEquals(0.0, maxDifference(changed, again), 1e-7);
        assertEquals(cell.moduleParameters().keys(), reloaded.cell().moduleParameters().keys());
      }
    }
  }

  private double[] gradients(TorchScriptCell cell, EquilibriumLayer layer, NDArray input) {
    ParameterStore parameters = new ParameterStore(manager, false);
    List<NDArray> arrays = new ArrayList<>();
    for (Parameter parameter : cell.getParameters().values()) {
      arrays.add(parameter.getArray());
      Autograd.zeroGradient(parameter.getArray());
    }
    NDArray x = input.duplicate();
    x.setRequiresGradient(true);
    LayerPass pass = layer.forward(parameters, x, true, IterationListener.NONE);
    NDArray loss = Autograd.recording(true, () -> pass.state().square().sum());
    Autograd.backward(loss, false);
    pass.completeBackward();
    List<Double> all = new ArrayList<>();
    for (NDArray array : arrays) {
      for (double value : array.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()) {
        all.add(value);
      }
      Autograd.zeroGradient(array);
    }
    for (double value : x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()) {
      all.add(value);
    }
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double maxDifference(NDArray a, NDArray b) {
    return a.toType(DataType.FLOAT64, false)
        .sub(b.toType(DataType.FLOAT64, false))
        .abs()
        .max()
        .getDouble();
  }
}
