package org.deqlab.core.train;

import java.util.List;
import org.deqlab.core.jacobian.RitzValue;
import org.deqlab.core.solver.SolveStats;

/** Everything a training run reports on its {@link MetricStream}. */
public sealed interface TrainingEvent {

  /**
   * One optimization step.
   *
   * @param step 1-based step number
   * @param phase {@code pretrain} (shallow unrolled stack) or the layer's description
   * @param loss the task loss of the batch
   * @param regularization the Jacobian-regularization term added to the loss (0 when off)
   * @param forward the forward solve (null for an unrolled layer; during pretraining, the
   *     monitoring solve of the DEQ on the step's batch, made on probe steps only)
   * @param backward the backward solve (null unless the backward is implicit)
   * @param spectralRadius estimate of ρ(J_f(z*)) when probed this step, else NaN
   * @param frobenius estimate of ‖J_f(z*)‖²_F/d when probed this step, else NaN
   * @param ritzValues Arnoldi's Ritz values of J_f(z*) (the sample with the largest radius) when
   *     probed this step, else empty
   * @param gradientNorm the global gradient norm before clipping
   * @param learningRate the learning rate used
   * @param millis wall time of the step
   */
  record Step(
      int step,
      String phase,
      double loss,
      double regularization,
      SolveStats forward,
      SolveStats backward,
      double spectralRadius,
      double frobenius,
      List<RitzValue> ritzValues,
      double gradientNorm,
      double learningRate,
      double millis)
      implements TrainingEvent {
    public Step {
      ritzValues = ritzValues == null ? List.of() : List.copyOf(ritzValues);
    }

    /** Whether the Jacobian was probed at this step. */
    public boolean probed() {
      return Double.isFinite(spectralRadius);
    }
  }

  /**
   * An evaluation on held-out data.
   *
   * @param step the step after which it ran
   * @param split which split ({@code valid}, {@code test})
   * @param loss mean loss per predicted token (nats) or per example
   * @param accuracy fraction correct (for copy memory: of the memorized symbols)
   * @param bitsPerCharacter loss in bits, for language modelling (NaN otherwise)
   * @param meanForwardSteps mean forward solver steps over the evaluation batches
   */
  record Evaluation(
      int step,
      String split,
      double loss,
      double accuracy,
      double bitsPerCharacter,
      double meanForwardSteps)
      implements TrainingEvent {}

  /** A live setting change that took effect at {@code step}. */
  record SettingChanged(int step, String description) implements TrainingEvent {}

  /**
   * The run ended.
   *
   * @param step the last completed step
   * @param reason {@code completed}, {@code stopped} or {@code failed}
   * @param message details (the error for a failed run)
   */
  record Finished(int step, String reason, String message) implements TrainingEvent {}
}
