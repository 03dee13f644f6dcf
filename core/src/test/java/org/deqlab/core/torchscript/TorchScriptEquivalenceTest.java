package org.deqlab.core.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.jacobian.JacobianProbe;
import org.deqlab.core.jacobian.JacobianRegularizer;
import org.deqlab.core.jacobian.JacobianReport;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.numerics.Differences;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;

/**
 * The fixture MLP saved from PyTorch and the built-in MLP cell with its weights are one map, so
 * everything the workbench computes from them must agree: the implicit gradients of the module's
 * parameters and the input, the spectral probes, and the Jacobian term with its parameter gradient.
 * This is what "works unchanged" means for the workbench's tools on a TorchScript cell.
 */
class TorchScriptEquivalenceTest extends EngineTest {
  private static final SolverOptions TIGHT =
      SolverOptions.defaults().withStopping(200, 1e-6, StopCriterion.ABSOLUTE);

  /** Built-in parameter name → the module's. */
  private static final Map<String, String> NAMES =
      Map.of("W", "W.weight", "U", "U.weight", "b", "U.bias");

  @Test
  void implicitGradientsProbesAndTheJacobianTermEqualTheBuiltInCells() {
    try (TorchScriptProblem script = TorchScriptFixtures.load("mlp", manager)) {
      NpzProblem builtIn =
          NpzProblem.load(TorchScriptFixtures.file("mlp-weights.npz"), manager, DataType.FLOAT32);
      assertTrue(difference(script.x(), builtIn.x()) == 0);

      Map<String, double[]> scriptGradients = implicitGradients(script.cell(), script.x());
      Map<String, double[]> builtInGradients = implicitGradients(builtIn.cell(), builtIn.x());
      for (Map.Entry<String, String> name : NAMES.entrySet()) {
        assertTrue(
            Differences.relative(
                    scriptGradients.get(name.getValue()), builtInGradients.get(name.getKey()))
                < 1e-4,
            name.toString());
      }
      assertTrue(Differences.relative(scriptGradients.get("x"), builtInGradients.get("x")) < 1e-4);

      JacobianReport scriptProbe = probe(script.cell(), script.x());
      JacobianReport builtInProbe = probe(builtIn.cell(), builtIn.x());
      assertEquals(builtInProbe.powerRadius(), scriptProbe.powerRadius(), 1e-4);
      assertEquals(builtInProbe.arnoldiRadius(), scriptProbe.arnoldiRadius(), 1e-4);
      assertEquals(
          builtInProbe.frobeniusSquaredPerDimension(),
          scriptProbe.frobeniusSquaredPerDimension(),
          1e-4);

      NDArray z = solve(builtIn.cell(), builtIn.x());
      List<NDArray> probes = List.of(z.onesLike(), z.onesLike().neg().mul(0.5));
      double[] scriptTerm = jacobianTerm(script.cell(), z, script.x(), probes, "W.weight");
      double[] builtInTerm = jacobianTerm(builtIn.cell(), z, builtIn.x(), probes, "W");
      assertEquals(builtInTerm[0], scriptTerm[0], 1e-4 * Math.abs(builtInTerm[0]));
      assertTrue(
          Differences.relative(
                  java.util.Arrays.copyOfRange(scriptTerm, 1, scriptTerm.length),
                  java.util.Arrays.copyOfRange(builtInTerm, 1, builtInTerm.length))
              < 1e-3);
    }
  }

  private NDArray solve(Cell cell, NDArray x) {
    ParameterStore parameters = new ParameterStore(manager, false);
    return new DeqLayer(cell, SolverKind.BROYDEN, TIGHT, BackwardMode.oneStep())
        .solve(parameters, x, IterationListener.NONE)
        .equilibrium();
  }

  /** Gradients of Σ z*² by the implicit backward: each parameter by name, and the input as x. */
  private Map<String, double[]> implicitGradients(Cell cell, NDArray input) {
    ParameterStore parameters = new ParameterStore(manager, false);
    DeqLayer layer =
        new DeqLayer(
            cell, SolverKind.ANDERSON, TIGHT, new BackwardMode.Implicit(SolverKind.BROYDEN, TIGHT));
    NDArray x = input.duplicate();
    x.setRequiresGradient(true);
    LayerPass pass = layer.forward(parameters, x, true, IterationListener.NONE);
    Autograd.backward(Autograd.recording(true, () -> pass.state().square().sum()), false);
    pass.completeBackward();
    Map<String, double[]> gradients = new java.util.HashMap<>();
    for (var entry : named(cell).entrySet()) {
      NDArray array = entry.getValue().getArray();
      gradients.put(entry.getKey(), values(array.getGradient()));
      Autograd.zeroGradient(array);
    }
    gradients.put("x", values(x.getGradient()));
    return gradients;
  }

  private JacobianReport probe(Cell cell, NDArray x) {
    NDArray z = solve(cell, x);
    manager.getEngine().setRandomSeed(7);
    return new JacobianProbe(JacobianProbe.Options.defaults())
        .probe(
            cell,
            new ParameterStore(manager, false),
            z,
            cell.inject(new ParameterStore(manager, false), x, false));
  }

  /** The term with fixed probes, then its gradient with respect to the recurrent weight. */
  private double[] jacobianTerm(
      Cell cell, NDArray z, NDArray x, List<NDArray> probes, String weight) {
    ParameterStore parameters = new ParameterStore(manager, false);
    NDArray injection = Autograd.recording(true, () -> cell.inject(parameters, x, true));
    NDArray term =
        Autograd.recording(
            true, () -> JacobianRegularizer.penalty(cell, parameters, z, injection, false, probes));
    double value = term.toType(DataType.FLOAT64, false).getDouble();
    Autograd.backward(term, false);
    Parameter parameter = named(cell).get(weight);
    double[] gradient = values(parameter.getArray().getGradient());
    for (Parameter each : named(cell).values()) {
      Autograd.zeroGradient(each.getArray());
    }
    double[] all = new double[gradient.length + 1];
    all[0] = value;
    System.arraycopy(gradient, 0, all, 1, gradient.length);
    return all;
  }

  private static Map<String, Parameter> named(Cell cell) {
    Map<String, Parameter> byName = new java.util.LinkedHashMap<>();
    var list =
        cell instanceof TorchScriptCell script ? script.moduleParameters() : cell.getParameters();
    for (var entry : list) {
      byName.put(entry.getKey(), entry.getValue());
    }
    return byName;
  }

  private static double[] values(NDArray array) {
    return array.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  private static double difference(NDArray a, NDArray b) {
    return a.sub(b).abs().max().toType(DataType.FLOAT64, false).getDouble();
  }
}
