package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.MlpCell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.ExactJacobian;

/**
 * A float64 tanh MLP cell with a chosen W, a batch of inputs and its equilibrium z*: the shared
 * fixture of the Jacobian tests, with the exact per-sample Jacobians at z* in closed form.
 */
final class MlpJacobianCase {
  static final SolverOptions TIGHT =
      SolverOptions.defaults().withStopping(200, 1e-12, StopCriterion.ABSOLUTE);

  final MlpCell cell;
  final ParameterStore parameters;
  final double[][] weight;
  final NDArray x;
  final NDArray injection;
  final NDArray equilibrium;

  /**
   * @param weight W (d×d)
   * @param inputScales one scale per sample: sample s has input N(0, scale²) (so samples differ)
   */
  MlpJacobianCase(NDManager manager, double[][] weight, double[] inputScales, long seed) {
    this(manager, weight, inputScales, seed, DataType.FLOAT64);
  }

  /** The same in another dtype (parameters, inputs and state; the solve to float32 accuracy). */
  MlpJacobianCase(
      NDManager manager, double[][] weight, double[] inputScales, long seed, DataType dataType) {
    int d = weight.length;
    int p = 5;
    Random random = new Random(seed);
    this.weight = weight;
    cell = new MlpCell(d, p, Activation.TANH, 0.5);
    cell.initialize(manager, dataType);
    double[] u = new double[d * p];
    for (int i = 0; i < u.length; i++) {
      u[i] = random.nextGaussian() / Math.sqrt(p);
    }
    double[] b = new double[d];
    for (int i = 0; i < d; i++) {
      b[i] = 0.2 * random.nextGaussian();
    }
    cell.load(
        manager.create(Dense.flatten(weight), new Shape(d, d)),
        manager.create(u, new Shape(d, p)),
        manager.create(b, new Shape(d)));
    parameters = new ParameterStore(manager, false);
    double[] inputs = new double[inputScales.length * p];
    for (int s = 0; s < inputScales.length; s++) {
      for (int i = 0; i < p; i++) {
        inputs[s * p + i] = inputScales[s] * random.nextGaussian();
      }
    }
    x = manager.create(inputs, new Shape(inputScales.length, p)).toType(dataType, false);
    injection = Autograd.noGrad(() -> cell.inject(parameters, x, false));
    SolverOptions options = dataType == DataType.FLOAT64 ? TIGHT : TIGHT.withTolerance(1e-6);
    DeqLayer layer = DeqLayer.implicit(cell, SolverKind.BROYDEN, options);
    equilibrium = layer.solve(parameters, x, (k, a, r) -> {}).equilibrium();
  }

  /** A symmetric W with the given eigenvalues: then J = diag(1 − tanh²) W has real eigenvalues. */
  static double[][] symmetric(double[] eigenvalues, long seed) {
    return Dense.withEigenvalues(eigenvalues, new Random(seed));
  }

  /** A non-symmetric Gaussian W with entries N(0, gain²/d): complex eigenvalue pairs. */
  static double[][] gaussian(int d, double gain, long seed) {
    Random random = new Random(seed);
    double[][] w = new double[d][d];
    for (double[] row : w) {
      for (int j = 0; j < d; j++) {
        row[j] = gain * random.nextGaussian() / Math.sqrt(d);
      }
    }
    return w;
  }

  int batch() {
    return Math.toIntExact(x.getShape().get(0));
  }

  /**
   * The exact Jacobian of every sample at z*, in closed form, in double precision from the stored
   * (possibly rounded) W, z* and x̃.
   */
  double[][][] exactJacobians() {
    return ExactJacobian.tanhMlp(
        ExactJacobian.rows(cell.weight().getArray()),
        ExactJacobian.rows(equilibrium),
        ExactJacobian.rows(injection));
  }

  Linearization linearize() {
    return Linearization.at(cell, parameters, equilibrium, injection, false);
  }
}
