package org.deqlab.core.train;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.solver.SolverOptions;

/**
 * The settings a user may change while training runs — solver thresholds and tolerances, the
 * Jacobian-regularization weight, the learning rate — held in one thread-safe place. The trainer
 * reads a snapshot at the start of every step, so a change takes effect from the next step; each
 * change is logged with the step it took effect at, so plots can mark it.
 */
public final class LiveSettings {

  /**
   * One consistent set of live values.
   *
   * @param forward forward solver options (f_thres, tolerance, …)
   * @param backward backward solver options (b_thres, tolerance, …)
   * @param jacobianWeight γ of the Jacobian regularization (0 = off)
   * @param learningRate the peak learning rate of the schedule
   */
  @RecordBuilder
  public record Values(
      SolverOptions forward, SolverOptions backward, double jacobianWeight, double learningRate)
      implements LiveSettingsValuesBuilder.With {
    public Values {
      if (forward == null || backward == null) {
        throw new IllegalArgumentException("forward and backward solver options are required");
      }
      if (!(jacobianWeight >= 0) || !Double.isFinite(jacobianWeight)) {
        throw new IllegalArgumentException("jacobianWeight (γ) must be ≥ 0, got " + jacobianWeight);
      }
      if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
      }
    }

    /** The live values a run of {@code config} starts from. */
    public static Values of(ExperimentConfig config) {
      return new Values(
          config.forward().options(),
          config.backward().options(),
          config.jacobian().weight(),
          config.optimizer().learningRate());
    }

    /** {@code config} with these values in place of its own (the next run's settings). */
    public ExperimentConfig appliedTo(ExperimentConfig config) {
      return config
          .withForward(config.forward().withOptions(forward))
          .withBackward(config.backward().withOptions(backward))
          .withOptimizer(config.optimizer().withLearningRate(learningRate))
          .withJacobian(config.jacobian().withWeight(jacobianWeight));
    }
  }

  /**
   * A change as it took effect.
   *
   * @param step the first step that used the new values
   * @param description what changed, e.g. {@code f_thres 30 → 60}
   */
  public record Change(int step, String description) {}

  /**
   * The values together with the descriptions of changes no step has taken yet. They live in one
   * reference so that a step can never read new values while their change is still unrecorded
   * (which would log the change one step late).
   */
  private record State(Values values, List<String> pending) {}

  private final AtomicReference<State> state;
  private final List<Change> history = new ArrayList<>();

  public LiveSettings(Values initial) {
    state = new AtomicReference<>(new State(initial, List.of()));
  }

  /** Changes the settings from any thread; takes effect at the next step. */
  public void update(UnaryOperator<Values> change) {
    state.updateAndGet(
        before -> {
          Values after = change.apply(before.values());
          String description = describe(before.values(), after);
          if (description.isEmpty()) {
            return new State(after, before.pending());
          }
          List<String> pending = new ArrayList<>(before.pending());
          pending.add(description);
          return new State(after, List.copyOf(pending));
        });
  }

  /** The current values, without marking anything as taken. */
  public Values peek() {
    return state.get().values();
  }

  /**
   * The values for step {@code step}; changes made since the last call are recorded as taking
   * effect at this step. Called by the trainer only.
   */
  public synchronized Values takeForStep(int step, List<Change> appliedNow) {
    State taken =
        state.getAndUpdate(s -> s.pending().isEmpty() ? s : new State(s.values(), List.of()));
    for (String description : taken.pending()) {
      Change change = new Change(step, description);
      history.add(change);
      appliedNow.add(change);
    }
    return taken.values();
  }

  /** Every change so far, in order. */
  public synchronized List<Change> history() {
    return List.copyOf(history);
  }

  private static String describe(Values before, Values after) {
    List<String> parts = new ArrayList<>();
    compare(parts, "f_thres", before.forward().maxIterations(), after.forward().maxIterations());
    compare(parts, "f_tol", before.forward().tolerance(), after.forward().tolerance());
    compare(parts, "b_thres", before.backward().maxIterations(), after.backward().maxIterations());
    compare(parts, "b_tol", before.backward().tolerance(), after.backward().tolerance());
    compare(parts, "jacobian_weight", before.jacobianWeight(), after.jacobianWeight());
    compare(parts, "learning_rate", before.learningRate(), after.learningRate());
    if (parts.isEmpty() && !before.equals(after)) {
      parts.add("solver options");
    }
    return String.join(", ", parts);
  }

  private static void compare(List<String> parts, String name, Object before, Object after) {
    if (!before.equals(after)) {
      parts.add(name + " " + before + " → " + after);
    }
  }
}
