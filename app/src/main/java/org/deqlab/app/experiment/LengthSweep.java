package org.deqlab.app.experiment;

import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deqlab.core.data.TaskDataFactory;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.train.Batch;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.core.train.TrainingData;

/**
 * Forward solver steps to reach the tolerance as the sequence grows, for one experiment's model:
 * the measurement behind the "steps versus sequence length" plot, shared by the command line and
 * the window. Runs on the engine thread; reports each length as soon as it is measured.
 */
public final class LengthSweep {

  /** One sequence length's measurement (means over the evaluated batches). */
  public record Point(
      int length,
      double meanSteps,
      int maxSteps,
      double meanRelativeResidual,
      double convergedFraction,
      double millisPerSolve) {}

  private LengthSweep() {}

  /** The forward options a sweep uses: the experiment's, with its own threshold. */
  public static SolverOptions options(Experiment experiment, int threshold) {
    return experiment.config().forward().options().withMaxIterations(threshold);
  }

  public static List<Point> run(
      Experiment experiment,
      List<Integer> lengths,
      int batches,
      int threshold,
      Consumer<Point> onPoint) {
    TrainingConfig config = experiment.config();
    if (config.task().kind().equals("shapes")) {
      throw new IllegalArgumentException(
          "a length sweep needs a sequence task; " + config.name() + " is an image task");
    }
    DeqLayer layer =
        new DeqLayer(
                experiment.model().cell(),
                config.forward().solver(),
                options(experiment, threshold),
                BackwardMode.oneStep())
            .withWorkspace(experiment.solverWorkspace());
    ParameterStore parameters = new ParameterStore(experiment.manager(), false);
    List<Point> points = new ArrayList<>();
    for (int length : lengths) {
      TrainingConfig.Task task =
          new TrainingConfig.Task(
              config.task().kind(),
              length,
              config.task().batchSize(),
              config.task().corpus(),
              batches);
      TrainingData data =
          TaskDataFactory.create(task, config.seed(), DeqEngine.parseDataType(config.dtype()));
      double steps = 0;
      int maxSteps = 0;
      double residual = 0;
      int converged = 0;
      double millis = 0;
      List<Batch> evalBatches = data.evalBatches(experiment.manager(), "valid");
      for (Batch batch : evalBatches) {
        try (NDScope scope = new NDScope()) {
          TaskModel.Output output =
              experiment.model().forward(parameters, batch, layer, false, IterationListener.NONE);
          SolveStats stats = output.pass().forwardStats().orElseThrow();
          steps += stats.steps();
          maxSteps = Math.max(maxSteps, stats.steps());
          residual += stats.relativeResidual();
          converged += stats.stopReason().label().equals("converged") ? 1 : 0;
          millis += stats.elapsedNanos() / 1e6;
        }
      }
      int n = evalBatches.size();
      Point point =
          new Point(length, steps / n, maxSteps, residual / n, (double) converged / n, millis / n);
      points.add(point);
      onPoint.accept(point);
    }
    return points;
  }
}
