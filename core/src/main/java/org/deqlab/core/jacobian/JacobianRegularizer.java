package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;

/**
 * The Jacobian regularization term {@code γ · ‖J_f(z*)‖²_F / d}, recorded so that it is
 * differentiable in the cell's parameters: add it to the loss, and one ordinary backward of the sum
 * gives the parameters their gradient.
 *
 * <p><b>Estimator.</b> For P probes ε_p (identity covariance), {@code ‖J‖²_F / d ≈ 1/(P·d) Σ_p
 * ‖(f(z* + hε_p) − f(z*)) / h‖²}, averaged over the samples of the batch: Hutchinson's estimator
 * with each product {@code Jε_p} replaced by a forward difference. Why not the textbook {@code
 * ‖εᵀJ‖²} from a vector–Jacobian product differentiated again ({@code create_graph=True}, as
 * TorchDEQ does)? In DJL 0.35 that double backward leaves its graph attached to the parameters'
 * {@code .grad}, and there is no {@code autograd.grad} and no way to reset {@code .grad}: memory
 * grows every step. The forward difference needs only f's ordinary graph, so memory stays flat; its
 * bias is O(h), far below the estimator's sampling noise. (Jε is a Jacobian–vector product, not
 * εᵀJ, but both have expectation ‖J‖²_F.)
 *
 * <p><b>Step h.</b> The forward difference errs by O(h) (curvature) plus O(ε_mach/h) (rounding,
 * which the backward pass meets again since it differentiates the same difference quotient). The
 * optimum for the value is near √ε_mach (3.5e-4 in float32, 1.5e-8 in float64); we take a somewhat
 * larger h, because the O(h) bias is negligible next to the sampling noise of a few probes while a
 * small h leaves little margin against rounding: {@code 1e-3} for float32, {@code 1e-6} for
 * float64, {@code 3e-2} for float16/bfloat16 (crude; not measured). Measured on a tanh MLP cell (d
 * = 64) with a deterministic probe set whose estimate is exactly ‖J‖²_F/d: relative error 4e-5 at h
 * = 1e-3 in float32 (1.4e-5 at 3e-4, 8e-2 at 1e-7), and 5.6e-8 at h = 1e-6 in float64 (the bias is
 * linear in h, ≈ 0.06·h). See {@link #finiteDifferenceStep}.
 *
 * <p><b>What is constant.</b> z* is detached: the term measures f's Jacobian at the equilibrium
 * without differentiating through the solve (the usual choice). The injection x̃ is used as given:
 * pass the recorded one (a training {@code LayerPass.injection()}) and the injection's parameters
 * receive gradient too, since J depends on x̃ through the nonlinearity.
 *
 * <p><b>Memory.</b> The term and its graph are created in the caller's current {@link
 * ai.djl.ndarray.NDScope} (or manager): compute it, back-propagate, then close the step's scope, as
 * the trainer does. Probes are drawn on z*'s device in z*'s dtype.
 */
public final class JacobianRegularizer {
  private final JacobianRegularization settings;

  public JacobianRegularizer(JacobianRegularization settings) {
    if (settings == null) {
      throw new IllegalArgumentException("settings are required");
    }
    this.settings = settings;
  }

  public JacobianRegularization settings() {
    return settings;
  }

  /** Whether training step {@code step} adds the term (weight > 0 and the step is due). */
  public boolean appliesAt(int step) {
    return settings.appliesAt(step);
  }

  /**
   * The forward-difference step h for a state of the given dtype (see the class comment).
   *
   * @throws IllegalArgumentException for a non-floating-point dtype
   */
  public static double finiteDifferenceStep(DataType dataType) {
    return switch (dataType) {
      case FLOAT64 -> 1e-6;
      case FLOAT32 -> 1e-3;
      case FLOAT16, BFLOAT16 -> 3e-2;
      default ->
          throw new IllegalArgumentException(
              "the Jacobian regularizer needs a floating-point state (float32 or float64), got "
                  + dataType);
    };
  }

  /**
   * The weighted term {@code γ · ‖J_f(z*)‖²_F / d}, a recorded scalar, with fresh random probes.
   *
   * @param cell the cell f
   * @param parameters the normal (attached) parameter store, so that parameters get gradients
   * @param equilibrium z*, detached here
   * @param injection x̃, used as given
   * @param training passed to the cell (use the training pass's value, so f is the map solved)
   */
  public NDArray term(
      Cell cell,
      ParameterStore parameters,
      NDArray equilibrium,
      NDArray injection,
      boolean training) {
    NDArray penalty = penalty(cell, parameters, equilibrium, injection, training);
    return Autograd.recording(true, () -> Autograd.scaled(penalty, settings.weight()));
  }

  /** The unweighted estimate of {@code ‖J_f(z*)‖²_F / d}, recorded, with fresh random probes. */
  public NDArray penalty(
      Cell cell,
      ParameterStore parameters,
      NDArray equilibrium,
      NDArray injection,
      boolean training) {
    NDArray z = equilibrium.stopGradient();
    List<NDArray> probes = new ArrayList<>(settings.probes());
    for (int p = 0; p < settings.probes(); p++) {
      probes.add(settings.distribution().draw(z));
    }
    return penalty(cell, parameters, z, injection, training, probes);
  }

  /**
   * The unweighted forward-difference estimate with the given probes (each shaped like z*, in its
   * dtype and on its device): {@code 1/(P·B·d) Σ_p ‖f(z* + hε_p) − f(z*)‖² / h²}. A fixed probe set
   * makes the term a deterministic function of the parameters (tests; common random numbers).
   */
  public static NDArray penalty(
      Cell cell,
      ParameterStore parameters,
      NDArray equilibrium,
      NDArray injection,
      boolean training,
      List<NDArray> probes) {
    return penalty(
        cell,
        parameters,
        equilibrium,
        injection,
        training,
        probes,
        finiteDifferenceStep(equilibrium.getDataType()));
  }

  /**
   * The same with a chosen step h, for comparing precisions at one h (the precision self-check):
   * the default step differs by dtype, and so does its O(h) bias.
   */
  public static NDArray penalty(
      Cell cell,
      ParameterStore parameters,
      NDArray equilibrium,
      NDArray injection,
      boolean training,
      List<NDArray> probes,
      double h) {
    if (!(h > 0)) {
      throw new IllegalArgumentException("the finite-difference step h must be > 0, got " + h);
    }
    if (probes.isEmpty()) {
      throw new IllegalArgumentException("probes must hold at least one probe, got none");
    }
    NDArray z = equilibrium.stopGradient();
    for (NDArray probe : probes) {
      if (!probe.getShape().equals(z.getShape())) {
        throw new IllegalArgumentException(
            "every probe must have the state's shape "
                + z.getShape()
                + ", got "
                + probe.getShape());
      }
    }
    double normalization = h * h * probes.size() * z.size(); // z.size() = B·d
    return Autograd.recording(
        true,
        () -> {
          NDArray base = cell.apply(parameters, z, injection, training);
          NDArray sum = null;
          for (NDArray probe : probes) {
            NDArray shifted = cell.apply(parameters, z.add(probe.mul(h)), injection, training);
            NDArray squared = shifted.sub(base).square().sum();
            sum = sum == null ? squared : sum.add(squared);
          }
          return Autograd.scaled(sum, 1 / normalization);
        });
  }
}
