package org.deqlab.core.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.testing.CentralDifference;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.ExactJacobian;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forward-difference Jacobian penalty: its value against the exact ‖J‖²_F / d, and its
 * parameter gradient (one ordinary backward) against central finite differences, in float64.
 */
class JacobianRegularizerTest extends EngineTest {
  private static final int D = 8;
  private MlpJacobianCase c;

  @BeforeAll
  void start() {
    manager.getEngine().setRandomSeed(41);
    c =
        new MlpJacobianCase(
            manager, MlpJacobianCase.gaussian(D, 1.0, 14), new double[] {0.3, 1, 2}, 15);
  }

  /** The exact batch mean of ‖J_s‖²_F / d at z*, for the cell's current W. */
  private double exactPenalty() {
    double[][] w = ExactJacobian.rows(c.cell.weight().getArray());
    double[][][] jacobians =
        ExactJacobian.tanhMlp(
            w, ExactJacobian.rows(c.equilibrium), ExactJacobian.rows(c.injection));
    return Arrays.stream(jacobians)
        .mapToDouble(ExactJacobian::frobeniusSquaredPerDimension)
        .average()
        .getAsDouble();
  }

  /** √d·e_i for i = 1…d (every sample alike): the penalty with these is ‖J‖²_F/d up to O(h). */
  private List<NDArray> unitProbes() {
    List<NDArray> probes = new ArrayList<>();
    for (int i = 0; i < D; i++) {
      double[] values = new double[c.batch() * D];
      for (int s = 0; s < c.batch(); s++) {
        values[s * D + i] = Math.sqrt(D);
      }
      probes.add(manager.create(values, new Shape(c.batch(), D)));
    }
    return probes;
  }

  /** The penalty with fixed probes, the injection recorded from x (so U and b get gradient). */
  private NDArray penalty(List<NDArray> probes) {
    NDArray injection = Autograd.recording(true, () -> c.cell.inject(c.parameters, c.x, true));
    return JacobianRegularizer.penalty(
        c.cell, c.parameters, c.equilibrium, injection, true, probes);
  }

  private List<Parameter> parameters() {
    return List.of(c.cell.weight(), c.cell.injectionWeight(), c.cell.bias());
  }

  /** ∂penalty/∂θ for W, U, b by one ordinary backward of the recorded penalty. */
  private List<double[]> backwardGradients(List<NDArray> probes) {
    for (Parameter parameter : parameters()) {
      Autograd.zeroGradient(parameter.getArray());
    }
    try (NDScope scope = new NDScope()) {
      Autograd.backward(penalty(probes), false);
      List<double[]> gradients = new ArrayList<>();
      for (Parameter parameter : parameters()) {
        gradients.add(parameter.getArray().getGradient().toDoubleArray());
      }
      return gradients;
    }
  }

  /** Central differences of {@code value} in every entry of {@code parameter}. */
  private double[] centralDifferences(Parameter parameter, double step, DoubleSupplier value) {
    NDArray array = parameter.getArray();
    double[] gradient = new double[Math.toIntExact(array.size())];
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = CentralDifference.partial(array, i, step, value);
    }
    return gradient;
  }

  private double noGradValue(List<NDArray> probes) {
    try (NDScope scope = new NDScope()) {
      return Autograd.noGrad(() -> penalty(probes).getDouble());
    }
  }

  @Test
  void penaltyMatchesTheExactNormalizedFrobeniusNormWithinAFewStandardErrors() {
    JacobianRegularizer regularizer =
        new JacobianRegularizer(new JacobianRegularization(1.0, 1, 1));
    int draws = 800;
    double[] values = new double[draws];
    for (int k = 0; k < draws; k++) {
      try (NDScope scope = new NDScope()) {
        values[k] =
            regularizer.penalty(c.cell, c.parameters, c.equilibrium, c.injection, true).getDouble();
      }
    }
    double mean = Arrays.stream(values).average().getAsDouble();
    double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (draws - 1);
    double standardError = Math.sqrt(variance / draws);
    double exact = exactPenalty();
    System.out.printf(
        "penalty, %d single-probe draws: %.5f ± %.5f vs exact ‖J‖²_F/d %.5f (%.1f σ)%n",
        draws, mean, standardError, exact, (mean - exact) / standardError);
    assertEquals(exact, mean, 4 * standardError);

    double deterministic = noGradValue(unitProbes());
    System.out.printf(
        "penalty with the √d·e_i probe set: %.12f vs exact %.12f (rel %.1e)%n",
        deterministic, exact, Math.abs(deterministic - exact) / exact);
    assertEquals(
        exact, deterministic, 1e-5 * exact, "only the O(h) bias of the forward difference");
  }

  @Test
  void weightedTermIsGammaTimesThePenaltyAndCarriesGammaTimesItsGradient() {
    JacobianRegularizer regularizer =
        new JacobianRegularizer(new JacobianRegularization(0.25, 3, 1));
    double[] values = new double[2];
    double[][] gradients = new double[2][];
    for (int weighted = 0; weighted < 2; weighted++) {
      Autograd.zeroGradient(c.cell.weight().getArray());
      manager.getEngine().setRandomSeed(7); // the same probes both times
      try (NDScope scope = new NDScope()) {
        NDArray value =
            weighted == 1
                ? regularizer.term(c.cell, c.parameters, c.equilibrium, c.injection, true)
                : regularizer.penalty(c.cell, c.parameters, c.equilibrium, c.injection, true);
        values[weighted] = value.getDouble();
        Autograd.backward(value, false);
        gradients[weighted] = c.cell.weight().getArray().getGradient().toDoubleArray();
      }
    }
    assertEquals(0.25 * values[0], values[1], 1e-15);
    for (int i = 0; i < gradients[0].length; i++) {
      assertEquals(0.25 * gradients[0][i], gradients[1][i], 1e-14);
    }
    assertTrue(Arrays.stream(gradients[1]).anyMatch(g -> g != 0), "the term reaches W");
  }

  @Test
  void gradientOfTheFixedProbePenaltyMatchesCentralDifferencesOfTheSamePenalty() {
    List<NDArray> probes = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      probes.add(ProbeDistribution.RADEMACHER.draw(c.equilibrium));
    }
    List<double[]> analytic = backwardGradients(probes);
    List<Parameter> parameters = parameters();
    for (int i = 0; i < parameters.size(); i++) {
      double[] numeric = centralDifferences(parameters.get(i), 1e-4, () -> noGradValue(probes));
      double error = Dense.relativeError(analytic.get(i), numeric);
      double norm = Math.sqrt(Arrays.stream(numeric).map(v -> v * v).sum());
      System.out.printf(
          "∂penalty/∂%s (4 fixed Rademacher probes): relative error %.1e, |grad| %.3f%n",
          parameters.get(i).getName(), error, norm);
      assertTrue(error < 3e-6, parameters.get(i).getName() + ": relative error " + error);
      assertTrue(norm > 1e-2, "non-trivial gradient, norm " + norm);
    }
  }

  @Test
  void gradientWithTheUnitProbeSetMatchesTheClosedFormGradientOfTheExactFrobeniusNorm() {
    List<NDArray> probes = unitProbes();
    double[] analytic = backwardGradients(probes).get(0);
    double[] exact = centralDifferences(c.cell.weight(), 1e-5, this::exactPenalty);
    double error = Dense.relativeError(analytic, exact);
    System.out.printf(
        "∂penalty/∂W vs central differences of the closed-form ‖J‖²_F/d: relative error %.1e%n",
        error);
    assertTrue(error < 1e-5, "relative error " + error + " (the forward difference's O(h) bias)");
  }

  @Test
  void probesAreDrawnInTheStatesDtypeWithTheRightMoments() {
    try (NDScope scope = new NDScope()) {
      NDArray like = manager.zeros(new Shape(64, 128), DataType.FLOAT64);
      NDArray rademacher = ProbeDistribution.RADEMACHER.draw(like);
      NDArray gaussian = ProbeDistribution.GAUSSIAN.draw(like);
      assertEquals(DataType.FLOAT64, rademacher.getDataType());
      assertEquals(like.getDevice(), rademacher.getDevice());
      assertEquals(like.getShape(), gaussian.getShape());
      assertTrue(rademacher.abs().eq(1).all().getBoolean(), "entries ±1");
      assertEquals(0, rademacher.mean().getDouble(), 0.02);
      assertEquals(1, gaussian.square().mean().getDouble(), 0.03);
      NDArray single = manager.zeros(new Shape(4, 8), DataType.FLOAT32);
      assertEquals(DataType.FLOAT32, ProbeDistribution.GAUSSIAN.draw(single).getDataType());
    }
  }

  @Test
  void settingsValidateAndNameTheOffendingField() {
    IllegalArgumentException weight =
        assertThrows(IllegalArgumentException.class, () -> new JacobianRegularization(-1, 1, 1));
    assertTrue(weight.getMessage().startsWith("weight"), weight.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new JacobianRegularization(Double.NaN, 1, 1));
    IllegalArgumentException probes =
        assertThrows(IllegalArgumentException.class, () -> new JacobianRegularization(1, 0, 1));
    assertTrue(probes.getMessage().startsWith("probes"), probes.getMessage());
    IllegalArgumentException every =
        assertThrows(IllegalArgumentException.class, () -> new JacobianRegularization(1, 1, 0));
    assertTrue(every.getMessage().startsWith("every"), every.getMessage());

    JacobianRegularization everyThird = new JacobianRegularization(0.5, 2, 3);
    assertEquals(ProbeDistribution.RADEMACHER, everyThird.distribution());
    assertFalse(everyThird.appliesAt(1));
    assertTrue(everyThird.appliesAt(3));
    assertTrue(everyThird.appliesAt(6));
    assertFalse(JacobianRegularization.OFF.appliesAt(1), "weight 0 never applies");

    assertEquals(1e-3, JacobianRegularizer.finiteDifferenceStep(DataType.FLOAT32));
    assertEquals(1e-6, JacobianRegularizer.finiteDifferenceStep(DataType.FLOAT64));
    assertThrows(
        IllegalArgumentException.class,
        () -> JacobianRegularizer.finiteDifferenceStep(DataType.INT32));
  }
}
