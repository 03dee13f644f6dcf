package org.deqlab.core.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.ExactJacobian;
import org.deqlab.core.text.Labels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The facade: one report with all three estimates, consistent with the exact Jacobian. */
class JacobianProbeTest extends EngineTest {
  private static MlpJacobianCase c;
  private static double[][][] exact;

  @BeforeAll
  void start() {
    manager.getEngine().setRandomSeed(61);
    double[] eigenvalues = {-0.9, 0.3, -0.3, 0.25, -0.2, 0.15, -0.1, 0.05, 0.0, -0.05};
    c =
        new MlpJacobianCase(
            manager, MlpJacobianCase.symmetric(eigenvalues, 18), new double[] {0.2, 1, 2}, 19);
    exact = c.exactJacobians();
  }

  @Test
  void reportAgreesWithTheExactSpectrumAndFrobeniusNorm() {
    JacobianProbe probe =
        new JacobianProbe(JacobianProbe.Options.defaults().withHutchinsonProbes(2048));
    JacobianReport report = probe.probe(c.cell, c.parameters, c.equilibrium, c.injection);

    double[] radius = new double[c.batch()];
    double frobenius = 0;
    for (int s = 0; s < c.batch(); s++) {
      radius[s] = RealEigenvalues.spectralRadius(RealEigenvalues.of(exact[s]));
      frobenius += ExactJacobian.frobeniusSquaredPerDimension(exact[s]) / c.batch();
    }
    double rho = Arrays.stream(radius).max().getAsDouble();
    int worst = report.arnoldi().worstSample();
    System.out.printf(
        "probe: power ρ %.10f, Arnoldi ρ %.10f (k=min(20, d)=10), exact ρ %.10f;"
            + " ‖J‖²_F/d %.5f ± %.5f vs exact %.5f%n",
        report.powerRadius(),
        report.arnoldiRadius(),
        rho,
        report.frobeniusSquaredPerDimension(),
        report.frobeniusStandardError(),
        frobenius);
    assertEquals(rho, report.powerRadius(), 1e-8 * rho);
    assertEquals(rho, report.arnoldiRadius(), 1e-10);
    assertTrue(
        ExactJacobian.spectrumDistance(RealEigenvalues.of(exact[worst]), report.ritzValues())
            < 1e-10);
    assertEquals(
        frobenius, report.frobeniusSquaredPerDimension(), 4 * report.frobeniusStandardError());
    assertEquals(c.batch(), report.power().samples());
    assertEquals(50, report.power().products());
    assertEquals(10, report.arnoldi().products(), "Arnoldi stops at the per-sample dimension");
  }

  @Test
  void float32StatesAreProbedAndRegularizedInTheirOwnDtype() {
    double[] eigenvalues = {-0.9, 0.3, -0.3, 0.25, -0.2, 0.15, -0.1, 0.05, 0.0, -0.05};
    MlpJacobianCase single =
        new MlpJacobianCase(
            manager,
            MlpJacobianCase.symmetric(eigenvalues, 18),
            new double[] {0.2, 1, 2},
            19,
            DataType.FLOAT32);
    double[][][] exactSingle = single.exactJacobians();
    double rho = 0;
    double frobenius = 0;
    for (double[][] jacobian : exactSingle) {
      rho = Math.max(rho, RealEigenvalues.spectralRadius(RealEigenvalues.of(jacobian)));
      frobenius += ExactJacobian.frobeniusSquaredPerDimension(jacobian) / single.batch();
    }
    JacobianReport report =
        new JacobianProbe(JacobianProbe.Options.defaults())
            .probe(single.cell, single.parameters, single.equilibrium, single.injection);

    List<NDArray> unitProbes = new ArrayList<>();
    int d = eigenvalues.length;
    for (int i = 0; i < d; i++) {
      float[] values = new float[single.batch() * d];
      for (int s = 0; s < single.batch(); s++) {
        values[s * d + i] = (float) Math.sqrt(d);
      }
      unitProbes.add(manager.create(values, new Shape(single.batch(), d)));
    }
    double penalty;
    try (NDScope scope = new NDScope()) {
      NDArray value =
          JacobianRegularizer.penalty(
              single.cell,
              single.parameters,
              single.equilibrium,
              single.injection,
              false,
              unitProbes);
      assertEquals(DataType.FLOAT32, value.getDataType());
      penalty = value.toType(DataType.FLOAT64, false).getDouble();
      NDArray term =
          new JacobianRegularizer(new JacobianRegularization(0.3, 2, 1))
              .term(single.cell, single.parameters, single.equilibrium, single.injection, false);
      assertEquals(DataType.FLOAT32, term.getDataType(), "γ·penalty keeps the state's dtype");
    }
    System.out.printf(
        "float32: power ρ %.9f, Arnoldi ρ %.9f vs exact %.9f; penalty (h = 1e-3, √d·e_i"
            + " probes) %.7f vs exact ‖J‖²_F/d %.7f (rel %.1e)%n",
        report.powerRadius(),
        report.arnoldiRadius(),
        rho,
        penalty,
        frobenius,
        Math.abs(penalty - frobenius) / frobenius);
    assertEquals(rho, report.powerRadius(), 1e-5);
    assertEquals(rho, report.arnoldiRadius(), 1e-5);
    assertEquals(frobenius, penalty, 1e-3 * frobenius);
  }

  @Test
  void switchedOffEstimatesArePresentButNotComputed() {
    JacobianProbe probe =
        new JacobianProbe(new JacobianProbe.Options(0, 0, 4, ProbeDistribution.GAUSSIAN));
    JacobianReport report = probe.probe(c.cell, c.parameters, c.equilibrium, c.injection);
    assertFalse(report.power().computed());
    assertFalse(report.arnoldi().computed());
    assertTrue(Double.isNaN(report.powerRadius()));
    assertTrue(Double.isNaN(report.arnoldiRadius()));
    assertEquals(List.of(), report.ritzValues());
    assertTrue(report.frobenius().computed());
    assertEquals(ProbeDistribution.GAUSSIAN, report.frobenius().distribution());
  }

  @Test
  void probingLeavesTheParametersGradientsUntouched() {
    Autograd.zeroGradient(c.cell.weight().getArray());
    new JacobianProbe(JacobianProbe.Options.defaults())
        .probe(c.cell, c.parameters, c.equilibrium, c.injection, true);
    double[] gradient =
        c.cell.weight().getArray().getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    assertTrue(Arrays.stream(gradient).allMatch(g -> g == 0), "probes use detached parameters");
  }

  @Test
  void optionsValidateAndNameTheOffendingField() {
    IllegalArgumentException power =
        assertThrows(
            IllegalArgumentException.class,
            () -> JacobianProbe.Options.defaults().withPowerProducts(-1));
    assertTrue(power.getMessage().startsWith("powerProducts"), power.getMessage());
    IllegalArgumentException arnoldi =
        assertThrows(
            IllegalArgumentException.class,
            () -> JacobianProbe.Options.defaults().withArnoldiSteps(-1));
    assertTrue(arnoldi.getMessage().startsWith("arnoldiSteps"), arnoldi.getMessage());
    IllegalArgumentException probes =
        assertThrows(
            IllegalArgumentException.class,
            () -> JacobianProbe.Options.defaults().withHutchinsonProbes(-2));
    assertTrue(probes.getMessage().startsWith("hutchinsonProbes"), probes.getMessage());
    assertEquals(ProbeDistribution.RADEMACHER, Labels.parse(ProbeDistribution.class, "Rademacher"));
    assertThrows(
        IllegalArgumentException.class, () -> Labels.parse(ProbeDistribution.class, "uniform"));
  }
}
