package org.deqlab.core.jacobian;

/**
 * Settings of the Jacobian regularization term {@code γ · ‖J_f(z*)‖²_F / d} added to a DEQ's
 * training loss, which keeps the equilibrium's Jacobian small so that the forward and backward
 * solves stay fast and stable (Bai et al., "Stabilizing Equilibrium Models by Jacobian
 * Regularization", 2021).
 *
 * @param weight γ, ≥ 0 (0 switches the term off)
 * @param probes random probes per estimate, ≥ 1 (the estimate's variance falls like 1/probes)
 * @param every apply the term on every {@code every}-th training step, ≥ 1 (the term costs {@code
 *     probes + 1} extra evaluations of f and their backward)
 * @param distribution the probes' distribution
 */
public record JacobianRegularization(
    double weight, int probes, int every, ProbeDistribution distribution) {

  /** No regularization. */
  public static final JacobianRegularization OFF = new JacobianRegularization(0, 1, 1);

  public JacobianRegularization {
    if (!(weight >= 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException(
          "weight (γ) must be a finite number ≥ 0 (0 = off), got " + weight);
    }
    if (probes < 1) {
      throw new IllegalArgumentException("probes must be ≥ 1, got " + probes);
    }
    if (every < 1) {
      throw new IllegalArgumentException(
          "every must be ≥ 1 (1 = every training step), got " + every);
    }
    if (distribution == null) {
      throw new IllegalArgumentException("distribution must be rademacher or gaussian, got null");
    }
  }

  /** With Rademacher probes, the lower-variance choice. */
  public JacobianRegularization(double weight, int probes, int every) {
    this(weight, probes, every, ProbeDistribution.RADEMACHER);
  }

  /** Whether training step {@code step} (counted from 1) adds the term. */
  public boolean appliesAt(int step) {
    return weight > 0 && step % every == 0;
  }

  public JacobianRegularization withWeight(double value) {
    return new JacobianRegularization(value, probes, every, distribution);
  }
}
