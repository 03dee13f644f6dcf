package org.deqlab.core.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deqlab.core.data.Batch;
import org.deqlab.core.data.Split;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverWorkspace;
import org.deqlab.core.solver.StopReason;

/**
 * Forward solver steps to reach the tolerance as the sequence grows, for one model: the measurement
 * behind the "steps versus sequence length" plot. Runs on the engine thread; reports each length as
 * soon as it is measured. A length whose solves did not all converge is reported with the limit and
 * the worst residual reached ({@link RunEvent.SweepPoint#outcome}): its step count is the limit,
 * not a measurement.
 */
final class LengthSweep {
  private LengthSweep() {}

  /**
   * Measures {@code model} (built from {@code config}), its solves reusing {@code workspace}, at
   * every length, on {@code batches} held-out batches of the config's task at that length, with the
   * config's forward solver and at most {@code threshold} iterations.
   */
  static List<RunEvent.SweepPoint> run(
      ExperimentConfig config,
      TaskModel model,
      NDManager manager,
      SolverWorkspace workspace,
      String series,
      List<Integer> lengths,
      int batches,
      int threshold,
      Consumer<RunEvent.SweepPoint> onPoint) {
    if (config.task().kind().images()
        || config.task().kind() == org.deqlab.core.experiment.TaskKind.TARGETS) {
      throw new IllegalArgumentException(
          "a length sweep needs a sequence task; "
              + config.name()
              + " is "
              + (config.task().kind().images() ? "an image task" : "a fit to targets"));
    }
    DeqLayer layer =
        new DeqLayer(
                model.cell(),
                config.forward().solver(),
                config.forward().options().withMaxIterations(threshold),
                BackwardMode.oneStep())
            .withWorkspace(workspace);
    for (int length : lengths) { // every length before the first is measured
      ExperimentConfig at =
          config.withTask(config.task().withSequenceLength(length).withEvalBatches(batches));
      try {
        org.deqlab.core.experiment.Footprint.of(at).check(at, manager.getDevice().isGpu());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sweep length " + length + ": " + e.getMessage(), e);
      }
    }
    ParameterStore parameters = new ParameterStore(manager, false);
    List<RunEvent.SweepPoint> points = new ArrayList<>();
    for (int length : lengths) {
      ExperimentConfig.Task task =
          config.task().withSequenceLength(length).withEvalBatches(batches);
      TrainingData data = task.kind().data(task, config.seed(), config.dtype().dataType());
      double steps = 0;
      int maxSteps = 0;
      double residual = 0;
      double worstResidual = 0;
      int converged = 0;
      double millis = 0;
      List<Batch> evalBatches = data.evalBatches(manager, Split.VALID);
      for (Batch batch : evalBatches) {
        try (NDScope scope = new NDScope()) {
          TaskModel.Output output =
              model.forward(parameters, batch, layer, false, IterationListener.NONE);
          SolveStats stats = output.pass().forwardStats().orElseThrow();
          steps += stats.steps();
          maxSteps = Math.max(maxSteps, stats.steps());
          residual += stats.relativeResidual();
          worstResidual = Math.max(worstResidual, stats.relativeResidual());
          converged += stats.stopReason() == StopReason.CONVERGED ? 1 : 0;
          millis += stats.elapsedNanos() / 1e6;
        }
      }
      int n = evalBatches.size();
      RunEvent.SweepPoint point =
          new RunEvent.SweepPoint(
              series,
              length,
              steps / n,
              maxSteps,
              residual / n,
              (double) converged / n,
              millis / n,
              threshold,
              worstResidual);
      points.add(point);
      onPoint.accept(point);
    }
    return points;
  }
}
