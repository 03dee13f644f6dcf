package org.deqlab.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.deqlab.core.data.Batch;
import org.deqlab.core.data.Split;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.OutOfMemory;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunEvents;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.jacobian.JacobianProbe;
import org.deqlab.core.jacobian.JacobianRegularization;
import org.deqlab.core.jacobian.JacobianRegularizer;
import org.deqlab.core.jacobian.JacobianReport;
import org.deqlab.core.jacobian.ProbeDistribution;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.UnrolledLayer;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverWorkspace;

/**
 * Trains a {@link TaskModel} on {@link TrainingData}: Adam with warm-up and cosine decay, gradient
 * clipping, an optional shallow unrolled pretraining phase, the layer's backward mode (implicit or
 * phantom), optional Jacobian regularization, periodic evaluation. Live settings are read at the
 * start of every step; every step, evaluation, setting change and solver iteration is published on
 * the run's {@link RunEvents}.
 *
 * <p>All work runs on the calling thread, which becomes the engine thread: it switches gradient
 * recording off for itself first (PyTorch's recording is thread-local and on in new threads).
 *
 * <p>Every DEQ solve of the trainer (training steps, evaluation, probes) takes its buffers from the
 * {@link SolverWorkspace} it was given, whose owner closes it; {@link #run} frees the buffers when
 * it ends.
 */
public final class Trainer {
  private final ExperimentConfig config;
  private final TaskModel model;
  private final TrainingData data;
  private final NDManager manager;
  private final RunEvents events;
  private final LiveSettings settings;
  private final ParameterStore parameters;
  private final AdamOptimizer optimizer;
  private final JacobianProbe probe;
  private final SolverWorkspace solverWorkspace;
  private final IterationListener forwardListener;
  private final IterationListener backwardListener;
  private int completedSteps;

  /**
   * @param solverWorkspace the solver buffers of this trainer's solves; the caller owns it (creates
   *     it on the engine thread, closes it after the last step or evaluation)
   */
  public Trainer(
      ExperimentConfig config,
      TaskModel model,
      TrainingData data,
      NDManager manager,
      RunEvents events,
      LiveSettings settings,
      SolverWorkspace solverWorkspace) {
    if (solverWorkspace == null) {
      throw new IllegalArgumentException(
          "a trainer needs a solver workspace (new SolverWorkspace(manager))");
    }
    this.config = config;
    this.model = model;
    this.data = data;
    this.manager = manager;
    this.events = events;
    this.forwardListener =
        (k, absolute, relative) ->
            events.publish(new RunEvent.SolverProgress(false, k, absolute, relative));
    this.backwardListener =
        (k, absolute, relative) ->
            events.publish(new RunEvent.SolverProgress(true, k, absolute, relative));
    this.settings = settings;
    this.solverWorkspace = solverWorkspace;
    this.parameters = new ParameterStore(manager, false);
    this.optimizer = new AdamOptimizer(0.9, 0.999, 1e-8, config.optimizer().weightDecay());
    this.probe =
        new JacobianProbe(
            new JacobianProbe.Options(
                config.jacobian().probeProducts(),
                Math.min(config.jacobian().probeProducts(), 20),
                4,
                ProbeDistribution.RADEMACHER));
  }

  /** The live values a run starts from, taken from its config. */
  public static LiveSettings.Values initialValues(ExperimentConfig config) {
    return LiveSettings.Values.of(config);
  }

  public ExperimentConfig config() {
    return config;
  }

  public TaskModel model() {
    return model;
  }

  public AdamOptimizer optimizer() {
    return optimizer;
  }

  public int completedSteps() {
    return completedSteps;
  }

  /** Sets the step counter after restoring a checkpoint. */
  void restoredAt(int step) {
    completedSteps = step;
  }

  /** Whether step {@code step} (1-based) belongs to the shallow unrolled pretraining phase. */
  public boolean pretraining(int step) {
    return config.pretraining(step);
  }

  /** The layer used at a step, built from the live settings. */
  EquilibriumLayer layerFor(int step, LiveSettings.Values live) {
    if (!config.model().deq()) {
      return new UnrolledLayer(model.cell(), config.model().depth());
    }
    if (pretraining(step)) {
      return new UnrolledLayer(model.cell(), config.model().pretrainDepth());
    }
    return deqLayer(live);
  }

  private DeqLayer deqLayer(LiveSettings.Values live) {
    return new DeqLayer(
            model.cell(),
            config.forward().solver(),
            live.forward(),
            config.backward().toMode(live.backward()))
        .withBackwardListener(backwardListener)
        .withWorkspace(solverWorkspace);
  }

  /**
   * Runs until {@code config.steps()} or a stop request. Evaluates every {@code evalEvery} steps
   * and at the end; calls {@code checkpoint} with the step number every {@code checkpointEvery}
   * steps and at the end. Returns how training ended without publishing it (the owner of the run
   * says when the run is over).
   *
   * @throws TrainingFailedException when a step fails, carrying how the run ended
   */
  public RunEvent.Finished run(RunControl control, IntConsumer checkpoint) {
    Autograd.setRecording(false);
    try {
      while (completedSteps < config.steps()) {
        control.awaitResumed();
        if (control.stopRequested()) {
          return finish(RunOutcome.STOPPED, "stopped by the user at step " + completedSteps);
        }
        trainStep();
        int step = completedSteps;
        if (config.evalEvery() > 0 && step % config.evalEvery() == 0 && step < config.steps()) {
          evaluate(Split.VALID);
        }
        if (config.checkpointEvery() > 0
            && step % config.checkpointEvery() == 0
            && step < config.steps()) {
          checkpoint.accept(step);
        }
      }
      evaluate(Split.VALID);
      checkpoint.accept(completedSteps);
      return finish(RunOutcome.COMPLETED, "trained " + completedSteps + " steps");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return finish(RunOutcome.STOPPED, "interrupted at step " + completedSteps);
    } catch (RuntimeException e) {
      RunEvent.Finished failed = finish(RunOutcome.FAILED, failureMessage(e));
      throw new TrainingFailedException(failed, e);
    } finally {
      solverWorkspace.releaseBuffers(); // the solves' reusable buffers, held between steps
    }
  }

  /**
   * What a failed step says: for memory that ran out, which step, how much was asked for and the
   * config fields that size a step; otherwise the error itself.
   */
  private String failureMessage(RuntimeException e) {
    return OutOfMemory.in(e)
        .map(
            oom ->
                String.format(
                    Locale.ROOT,
                    "%s at step %d; lower task.batchSize (%d), task.sequenceLength (%d) or"
                        + " model.hidden (%d), or shorten the solves' histories"
                        + " (forward.options.andersonMemory %d, broydenMemory %d)",
                    oom.describe(),
                    completedSteps + 1,
                    config.task().batchSize(),
                    config.task().sequenceLength(),
                    config.model().hidden(),
                    config.forward().options().andersonMemory(),
                    config.forward().options().broydenMemory()))
        .orElse(e.toString());
  }

  private RunEvent.Finished finish(RunOutcome outcome, String message) {
    return new RunEvent.Finished(completedSteps, outcome, message);
  }

  /** One optimization step on the next training batch. */
  public RunEvent.Step trainStep() {
    int step = completedSteps + 1;
    long start = System.nanoTime();
    reseed(step);
    List<LiveSettings.Change> changes = new ArrayList<>();
    LiveSettings.Values live = settings.takeForStep(step, changes);
    for (LiveSettings.Change change : changes) {
      events.publish(new RunEvent.SettingChanged(change.step(), change.description()));
    }
    EquilibriumLayer layer = layerFor(step, live);
    double rate = config.optimizer().rateAt(step, config.steps(), live.learningRate());
    PairList<String, Parameter> trainable = model.block().getParameters();

    RunEvent.Step event;
    boolean finite;
    try (NDScope scope = new NDScope()) {
      Batch batch = data.trainBatch(manager, step);
      TaskModel.Output output = model.forward(parameters, batch, layer, true, forwardListener);
      double loss = output.loss().toType(DataType.FLOAT64, false).getDouble();
      NDArray total = output.loss();
      double regularization = 0;
      boolean deq = layer instanceof DeqLayer;
      if (deq && live.jacobianWeight() > 0 && step % config.jacobian().every() == 0) {
        JacobianRegularizer regularizer =
            new JacobianRegularizer(
                new JacobianRegularization(
                    live.jacobianWeight(), config.jacobian().probes(), config.jacobian().every()));
        NDArray term =
            regularizer.term(
                model.cell(), parameters, output.pass().state(), output.pass().injection(), true);
        regularization = term.toType(DataType.FLOAT64, false).getDouble();
        Autograd.backward(Autograd.recording(true, () -> total.add(term)), true);
      } else {
        Autograd.backward(total, true);
      }
      SolveStats backward = output.pass().completeBackward().orElse(null);
      double gradientNorm = AdamOptimizer.clipGradients(trainable, config.optimizer().clipNorm());
      finite = Double.isFinite(loss) && Double.isFinite(gradientNorm);
      if (finite) { // a NaN step would poison Adam's moments and every parameter
        optimizer.update(trainable, rate);
      }

      JacobianReport report = null;
      SolveStats forward = output.pass().forwardStats().orElse(null);
      boolean probeStep =
          config.jacobian().probeEvery() > 0 && step % config.jacobian().probeEvery() == 0;
      if (deq && probeStep) {
        report =
            probe.probe(
                model.cell(), parameters, output.pass().state(), output.pass().injection(), true);
      } else if (pretraining(step) && probeStep) {
        // While the unrolled stack trains, watch the DEQ it is becoming: solve (no graph) and
        // probe on the same batch, so the solver and Jacobian plots show the way to the switch.
        TaskModel.Output watched =
            Autograd.noGrad(
                () -> model.forward(parameters, batch, deqLayer(live), false, forwardListener));
        forward = watched.pass().forwardStats().orElse(null);
        report =
            probe.probe(
                model.cell(),
                parameters,
                watched.pass().state(),
                watched.pass().injection(),
                false);
      }
      completedSteps = step;
      event =
          new RunEvent.Step(
              step,
              pretraining(step) ? "pretrain" : describe(layer),
              loss,
              regularization,
              forward,
              backward,
              report == null ? Double.NaN : report.powerRadius(),
              report == null ? Double.NaN : report.frobeniusSquaredPerDimension(),
              report == null ? List.of() : report.ritzValues(),
              gradientNorm,
              rate,
              (System.nanoTime() - start) / 1e6);
    }
    events.publish(event);
    if (!finite) {
      throw new IllegalStateException(
          String.format(
              java.util.Locale.ROOT,
              "training diverged at step %d: loss %s, gradient norm %s; the parameters are those after"
                  + " step %d (lower the learning rate, or add Jacobian regularization)",
              step,
              event.loss(),
              event.gradientNorm(),
              step - 1));
    }
    return event;
  }

  /**
   * Seeds the engine's generator for one step from the config's seed and the step number, so the
   * step's random draws (dropout masks, Jacobian probes) depend on nothing that ran before: not on
   * how many numbers the thread measurement or an evaluation drew, nor on whether the run was
   * resumed from a checkpoint. Together with data chosen by step number and the optimizer's state
   * in the checkpoint, this makes a run a function of its config (at one thread count).
   */
  private void reseed(int step) {
    long mixed = config.seed() * 0x9E3779B97F4A7C15L + step;
    mixed = (mixed ^ (mixed >>> 30)) * 0xBF58476D1CE4E5B9L;
    mixed = (mixed ^ (mixed >>> 27)) * 0x94D049BB133111EBL;
    manager.getEngine().setRandomSeed((int) (mixed ^ (mixed >>> 31)));
  }

  private static String describe(EquilibriumLayer layer) {
    return layer.describe();
  }

  /** Mean loss and accuracy over the held-out batches of {@code split}, without gradients. */
  public RunEvent.Evaluation evaluate(Split split) {
    LiveSettings.Values live = settings.peek();
    EquilibriumLayer layer = layerFor(Math.max(completedSteps, config.pretrainSteps() + 1), live);
    double lossSum = 0;
    long tokens = 0;
    long correct = 0;
    long scored = 0;
    double stepsSum = 0;
    int solves = 0;
    Autograd.setRecording(false);
    for (Batch batch : data.evalBatches(manager, split)) {
      try (NDScope scope = new NDScope()) {
        TaskModel.Output output =
            model.forward(parameters, batch, layer, false, IterationListener.NONE);
        lossSum += output.loss().toType(DataType.FLOAT64, false).getDouble() * output.tokens();
        tokens += output.tokens();
        correct += output.correct();
        scored += output.scored();
        if (output.pass().forwardStats().isPresent()) {
          stepsSum += output.pass().forwardStats().get().steps();
          solves++;
        }
      }
    }
    double loss = lossSum / Math.max(1, tokens);
    RunEvent.Evaluation evaluation =
        new RunEvent.Evaluation(
            completedSteps,
            split,
            loss,
            scored == 0 ? Double.NaN : (double) correct / scored,
            data.reportsBits() ? loss / Math.log(2) : Double.NaN,
            solves == 0 ? Double.NaN : stepsSum / solves);
    events.publish(evaluation);
    return evaluation;
  }

  /**
   * Probes J_f at the equilibrium of the first held-out batch of {@code split} (evaluation mode, no
   * dropout), with the model's current parameters and the live forward solver options.
   *
   * @throws IllegalStateException if the model is not a DEQ (an unrolled stack has no z*)
   */
  public JacobianReport probeJacobian(JacobianProbe jacobianProbe, Split split) {
    EquilibriumLayer layer =
        layerFor(Math.max(completedSteps, config.pretrainSteps() + 1), settings.peek());
    if (!(layer instanceof DeqLayer)) {
      throw new IllegalStateException(
          "model.layer is "
              + config.model().layer()
              + ": only a DEQ layer has an equilibrium to probe");
    }
    Autograd.setRecording(false);
    Batch batch = data.evalBatches(manager, split).get(0);
    try (NDScope scope = new NDScope()) {
      TaskModel.Output output =
          model.forward(parameters, batch, layer, false, IterationListener.NONE);
      return jacobianProbe.probe(
          model.cell(), parameters, output.pass().state(), output.pass().injection(), false);
    }
  }
}
