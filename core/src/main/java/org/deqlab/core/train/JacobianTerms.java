package org.deqlab.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.jacobian.Linearization;
import org.deqlab.core.layer.LayerPass;

/**
 * The Jacobian quantities a training step needs at the equilibrium: the regularization term
 * {@code ‖J_f(z*)‖²_F / d} (differentiable in the parameters) and the probe values for the
 * metrics (spectral radius, Frobenius estimate).
 *
 * <p>The penalty uses forward differences {@code ‖(f(z*+hε) − f(z*))/h‖²} with an ordinary
 * backward, not a double backward: DJL 0.35's double backward leaves its graph attached to the
 * parameters' gradients and leaks memory every step (see the stack notes), while this estimator
 * is unbiased up to O(h) and keeps memory flat.
 */
final class JacobianTerms {
  private final TrainingConfig.Jacobian config;

  JacobianTerms(TrainingConfig.Jacobian config) {
    this.config = config;
  }

  /** The recorded penalty, a scalar; the caller weights it and adds it to the loss. */
  NDArray penalty(Cell cell, ParameterStore parameters, LayerPass pass) {
    NDArray z = pass.state().stopGradient();
    double h = z.getDataType() == DataType.FLOAT64 ? 1e-6 : 1e-3;
    long perSample = z.size() / z.getShape().get(0);
    return Autograd.recording(
        true,
        () -> {
          NDArray base = cell.apply(parameters, z, pass.injection(), true);
          NDArray sum = null;
          for (int probe = 0; probe < config.probes(); probe++) {
            NDArray epsilon = z.getManager().randomNormal(z.getShape(), z.getDataType())
                .toDevice(z.getDevice(), false);
            NDArray shifted = cell.apply(parameters, z.add(epsilon.mul(h)), pass.injection(), true);
            NDArray term = shifted.sub(base).div(h).square().sum();
            sum = sum == null ? term : sum.add(term);
          }
          return sum.div((double) config.probes() * z.getShape().get(0) * perSample);
        });
  }

  /**
   * {ρ(J) by power iteration, ‖J‖²_F/d by Hutchinson} at the equilibrium, from vector–Jacobian
   * products; the radius is the largest over the batch's samples.
   */
  double[] probe(Cell cell, ParameterStore parameters, LayerPass pass) {
    NDArray z = pass.state().stopGradient();
    NDArray injection = pass.injection().stopGradient();
    long batch = z.getShape().get(0);
    long perSample = z.size() / batch;
    try (Linearization linearization = Linearization.at(cell, parameters, z, injection, false)) {
      return Autograd.noGrad(
          () -> {
            NDArray v = z.getManager().randomNormal(z.getShape(), z.getDataType()).toDevice(z.getDevice(), false);
            double frobenius = linearization.vjp(v).square().sum().toType(DataType.FLOAT64, false)
                .getDouble() / (batch * perSample);
            NDArray growth = null;
            for (int k = 0; k < config.probeProducts(); k++) {
              NDArray norms = v.reshape(batch, -1).norm(new int[] {1}).reshape(batch, 1);
              NDArray unit = v.reshape(batch, -1).div(norms.add(1e-30));
              NDArray image = linearization.vjp(unit.reshape(z.getShape())).reshape(batch, -1);
              growth = image.norm(new int[] {1});
              v = image.reshape(z.getShape());
            }
            double radius = growth.max().toType(DataType.FLOAT64, false).getDouble();
            return new double[] {radius, frobenius};
          });
    }
  }
}
