package org.deqlab.core.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import org.deqlab.core.data.Split;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.jacobian.RitzValue;
import org.deqlab.core.solver.SolveStats;

/**
 * Everything a run reports, in order, on its {@link RunEvents}: the one stream that run logs,
 * progress lines, headless plots and the window all read. A run log is these events as JSON lines
 * (the {@code type} field names the kind), so a log read back replays the run.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RunEvent.Started.class, name = "header"),
  @JsonSubTypes.Type(value = RunEvent.Step.class, name = "step"),
  @JsonSubTypes.Type(value = RunEvent.Evaluation.class, name = "eval"),
  @JsonSubTypes.Type(value = RunEvent.SettingChanged.class, name = "setting"),
  @JsonSubTypes.Type(value = RunEvent.SweepPoint.class, name = "sweep"),
  @JsonSubTypes.Type(value = RunEvent.CheckpointSaved.class, name = "checkpoint"),
  @JsonSubTypes.Type(value = RunEvent.SolverProgress.class, name = "progress"),
  @JsonSubTypes.Type(value = RunEvent.Finished.class, name = "finished")
})
public sealed interface RunEvent {

  /** Whether a run log keeps this event (live progress it does not). */
  @JsonIgnore
  default boolean logged() {
    return true;
  }

  /**
   * The run starts: what it runs and where it came from (the run log's header line).
   *
   * @param config the config that runs (after the precision gate)
   * @param seed the config's seed, repeated for readers of the header
   * @param provenance versions, device and machine
   * @param data the dataset's one-line description
   * @param device the device the run uses, {@code cpu} or {@code cuda:N} ({@code gpu:N} in logs
   *     written before 2026-12-05; absent in logs written before 2026-12-04)
   * @param deviceNote how the device was chosen, e.g. why {@code auto} chose the CPU (absent in
   *     older logs)
   * @param threads PyTorch's intra-op thread count on the CPU and how it was chosen (absent in
   *     older logs)
   * @param precision what the float32 precision check verified or changed (absent in older logs)
   * @param baselineLoss the loss a trivial predictor reaches (NaN when not defined; absent in older
   *     logs)
   */
  record Started(
      ExperimentConfig config,
      long seed,
      Provenance provenance,
      String data,
      String device,
      String deviceNote,
      String threads,
      String precision,
      Double baselineLoss)
      implements RunEvent {}

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
      implements RunEvent {
    public Step {
      ritzValues = ritzValues == null ? List.of() : List.copyOf(ritzValues);
    }

    /** Whether the Jacobian was probed at this step. */
    @JsonIgnore
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
      Split split,
      double loss,
      double accuracy,
      double bitsPerCharacter,
      double meanForwardSteps)
      implements RunEvent {}

  /** A live setting change that took effect at {@code step}. */
  record SettingChanged(int step, String description) implements RunEvent {}

  /**
   * Forward solver steps at one sequence length (means over the evaluated batches), measured on the
   * model as it is. A length is {@linkplain #converged() converged} only when every batch's solve
   * reached the tolerance; otherwise its step count is the iteration limit, which says nothing
   * about the length, and what it reports is the residual the solver reached ({@link #outcome()}).
   *
   * @param series what was measured, e.g. {@code after step 600} or {@code untrained model}
   * @param length the sequence length T
   * @param meanSteps mean forward iterations to the tolerance (or the threshold)
   * @param maxSteps the most iterations any batch needed
   * @param meanRelativeResidual mean final relative residual
   * @param convergedFraction batches whose solve converged
   * @param millisPerSolve mean wall time of one solve
   * @param limit the iteration limit of the solves (0 in logs written before 2026-12-05)
   * @param worstRelativeResidual the largest final relative residual of any batch (0 in older logs)
   */
  record SweepPoint(
      String series,
      int length,
      double meanSteps,
      int maxSteps,
      double meanRelativeResidual,
      double convergedFraction,
      double millisPerSolve,
      int limit,
      double worstRelativeResidual)
      implements RunEvent {

    public SweepPoint {
      if (worstRelativeResidual == 0) { // absent in older logs
        worstRelativeResidual = meanRelativeResidual;
      }
    }

    /** Whether every batch's solve reached the tolerance at this length. */
    @JsonIgnore
    public boolean converged() {
      return convergedFraction >= 1;
    }

    /** The mean steps when every solve converged; NaN otherwise (a limit is not a step count). */
    @JsonIgnore
    public double convergedSteps() {
      return converged() ? meanSteps : Double.NaN;
    }

    /**
     * One phrase for tables and status lines: {@code 17.5 steps}, or {@code not converged: rel
     * residual 3.2e-02 at the limit of 100 (1 of 4 batches converged)}.
     */
    @JsonIgnore
    public String outcome() {
      if (converged()) {
        return String.format(java.util.Locale.ROOT, "%.1f steps", meanSteps);
      }
      String limitText = limit > 0 ? " at the limit of " + limit : " at the limit";
      String partial =
          convergedFraction > 0
              ? String.format(
                  java.util.Locale.ROOT, " (%.0f%% of batches converged)", 100 * convergedFraction)
              : "";
      return String.format(
              java.util.Locale.ROOT, "not converged: rel residual %.1e", worstRelativeResidual)
          + limitText
          + partial;
    }
  }

  /** A checkpoint was written after step {@code step}. */
  record CheckpointSaved(int step, String file) implements RunEvent {}

  /**
   * One iteration of the solve running now, for live plots: frequent, and not logged (the step's
   * {@link SolveStats} keep the whole trace).
   *
   * @param backward whether it is the adjoint (backward) solve
   * @param iteration 0 for the initial guess
   * @param absoluteResidual worst sample's absolute residual
   * @param relativeResidual worst sample's relative residual
   */
  record SolverProgress(
      boolean backward, int iteration, double absoluteResidual, double relativeResidual)
      implements RunEvent {
    @Override
    public boolean logged() {
      return false;
    }
  }

  /**
   * The run ended.
   *
   * @param step the last completed step
   * @param reason completed, stopped or failed
   * @param message details (the error for a failed run)
   */
  record Finished(int step, RunOutcome reason, String message) implements RunEvent {}
}
