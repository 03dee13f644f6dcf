package org.deqlab.app.charts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.jacobian.RitzValue;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.viz.ChartPanel;
import org.deqlab.viz.ResidualTraceChart;
import org.deqlab.viz.RitzPlaneChart;
import org.deqlab.viz.SolverStepsChart;
import org.deqlab.viz.SpectralChart;
import org.deqlab.viz.StepsVsLengthChart;
import org.deqlab.viz.TrainingCurveChart;

/**
 * The five plots of a run and how its events update them: the {@link ChartSink} behind the window's
 * Training tab and behind the headless {@code ./deq run}. It holds no layout; call it on the JavaFX
 * thread only.
 */
public final class WorkbenchCharts implements ChartSink {
  /**
   * At most this many solves of one batch are drawn: the history shows only the latest few anyway.
   */
  private static final int TRACES_PER_BATCH = ResidualTraceChart.HISTORY + 1;

  private final ResidualTraceChart residuals = new ResidualTraceChart();
  private final TrainingCurveChart training = new TrainingCurveChart();
  private final SolverStepsChart solverSteps = new SolverStepsChart();
  private final SpectralChart spectral = new SpectralChart();
  private final RitzPlaneChart ritz = new RitzPlaneChart();
  private final StepsVsLengthChart lengths = new StepsVsLengthChart();
  private final Map<String, List<RunEvent.SweepPoint>> sweepSeries = new LinkedHashMap<>();
  private final Map<ChartPanel, String> hints = new LinkedHashMap<>();
  private int ritzStep;
  private String lastPhase = "";
  private Runnable onChange = () -> {};

  public WorkbenchCharts() {
    clear(null);
  }

  public ResidualTraceChart residuals() {
    return residuals;
  }

  public TrainingCurveChart training() {
    return training;
  }

  /** Solver iterations per step on their own axis (the training curves also show them). */
  public SolverStepsChart solverSteps() {
    return solverSteps;
  }

  public SpectralChart spectral() {
    return spectral;
  }

  public RitzPlaneChart ritz() {
    return ritz;
  }

  public StepsVsLengthChart lengths() {
    return lengths;
  }

  /** The charts in the order the window and {@code ./deq run} show them. */
  public List<ChartPanel> charts() {
    return List.of(residuals, training, solverSteps, spectral, ritz, lengths);
  }

  /** Called on the JavaFX thread after every change (the window refreshes hints and captions). */
  public void setOnChange(Runnable listener) {
    this.onChange = listener;
  }

  /** A line saying why {@code chart} is empty and what fills it, for the current experiment. */
  public String hint(ChartPanel chart) {
    return hints.getOrDefault(chart, "");
  }

  /** The training step whose Ritz values are shown (0 for none). */
  public int ritzStep() {
    return ritzStep;
  }

  @Override
  public void show(List<RunEvent> events) {
    List<RunEvent.Step> solved = new ArrayList<>();
    RunEvent.Step latestProbe = null;
    for (RunEvent event : events) {
      if (event instanceof RunEvent.Step step) {
        double forwardSteps = step.forward() == null ? Double.NaN : step.forward().steps();
        double backwardSteps = step.backward() == null ? Double.NaN : step.backward().steps();
        training.addStep(step.step(), step.loss(), forwardSteps, backwardSteps);
        solverSteps.addStep(step.step(), forwardSteps, backwardSteps);
        if ("pretrain".equals(lastPhase) && !"pretrain".equals(step.phase())) {
          String label = "DEQ takes over: " + step.phase();
          training.markEvent(step.step(), label);
          solverSteps.markEvent(step.step(), label);
          spectral.markEvent(step.step(), label);
        }
        lastPhase = step.phase();
        if (step.probed()) {
          spectral.addPoint(step.step(), step.spectralRadius(), step.frobenius());
          if (!step.ritzValues().isEmpty()) {
            latestProbe = step;
          }
        }
        if (step.forward() != null || step.backward() != null) {
          solved.add(step);
        }
      } else if (event instanceof RunEvent.Evaluation evaluation) {
        training.addEvaluation(evaluation.step(), evaluation.loss());
      } else if (event instanceof RunEvent.SettingChanged change) {
        training.markEvent(change.step(), change.description());
        solverSteps.markEvent(change.step(), change.description());
        spectral.markEvent(change.step(), change.description());
      } else if (event instanceof RunEvent.SweepPoint point) {
        addSweepPoint(point);
      }
    }
    for (RunEvent.Step step :
        solved.subList(Math.max(0, solved.size() - TRACES_PER_BATCH), solved.size())) {
      if (step.forward() != null) {
        residuals.showForward(
            step.forward().absoluteTrace().toArray(), step.forward().relativeTrace().toArray());
      }
      if (step.backward() != null) {
        residuals.showBackward(
            step.backward().absoluteTrace().toArray(), step.backward().relativeTrace().toArray());
      }
    }
    if (!solved.isEmpty()) {
      // The last solve that ran, until the live trace reports a newer one (and in a replay).
      RunEvent.Step last = solved.get(solved.size() - 1);
      SolveStats solve = last.backward() != null ? last.backward() : last.forward();
      showLiveSolve(solve.absoluteTrace().toArray(), solve.relativeTrace().toArray());
    }
    if (latestProbe != null) {
      List<RitzValue> values = latestProbe.ritzValues();
      ritz.showRitzValues(
          values.stream().mapToDouble(RitzValue::re).toArray(),
          values.stream().mapToDouble(RitzValue::im).toArray());
      ritzStep = latestProbe.step();
    }
    onChange.run();
  }

  @Override
  public void showLiveSolve(double[] absolute, double[] relative) {
    residuals.beginLiveTrace();
    for (int i = 0; i < absolute.length; i++) {
      residuals.addLivePoint(i, absolute[i], relative[i]);
    }
  }

  private void addSweepPoint(RunEvent.SweepPoint point) {
    List<RunEvent.SweepPoint> points =
        sweepSeries.computeIfAbsent(point.series(), s -> new ArrayList<>());
    points.add(point);
    lengths.setSeries(
        point.series(),
        points.stream().mapToDouble(RunEvent.SweepPoint::length).toArray(),
        points.stream().mapToDouble(RunEvent.SweepPoint::meanSteps).toArray(),
        points.stream()
            .mapToDouble(p -> p.converged() ? Double.NaN : p.worstRelativeResidual())
            .toArray());
  }

  /**
   * Clears the training plots; the sweep plot keeps its series (they compare models across runs).
   */
  @Override
  public void clear(ExperimentConfig config) {
    residuals.clear();
    training.clear();
    solverSteps.clear();
    lastPhase = "";
    spectral.clear();
    ritz.clear();
    ritzStep = 0;
    describeQuietly(config);
    onChange.run();
  }

  /** Forgets the measured sweeps. */
  public void clearSweeps() {
    lengths.clear();
    sweepSeries.clear();
    onChange.run();
  }

  /** Updates the empty-plot hints for {@code config} (e.g. when another preset is chosen). */
  public void describe(ExperimentConfig config) {
    describeQuietly(config);
    onChange.run();
  }

  private void describeQuietly(ExperimentConfig config) {
    hints.put(training, "Press Run: the loss appears after the first training step.");
    hints.put(
        solverSteps, "Press Run: the solvers' iterations per step appear with the first DEQ step.");
    hints.put(
        lengths,
        "Press 'Sweep length' to measure forward solver steps at each length"
            + " (on the trained model after a run, else on a fresh one).");
    if (config == null) {
      return;
    }
    if (config.task().kind() == org.deqlab.core.experiment.TaskKind.TARGETS) {
      training.setLossAxis("mean squared error ‖z* − y‖²", "a.u.");
      hints.put(lengths, "A fit to targets has no sequence length to sweep.");
    } else {
      training.setLossAxis("loss", "nats");
    }
    boolean deq = config.model().deq();
    int pretrain = deq ? config.pretrainSteps() : 0;
    if (!deq) {
      hints.put(
          residuals,
          "An unrolled stack runs no solver: set model.layer to deq to see residual traces.");
    } else if (pretrain > 0 && config.jacobian().probeEvery() > 0) {
      int watch = config.jacobian().probeEvery();
      hints.put(
          residuals,
          "Steps 1–"
              + pretrain
              + " pretrain a shallow unrolled stack; every "
              + watch
              + " steps the DEQ it is becoming is solved (without training through it): the first"
              + " traces start at step "
              + watch
              + ", every step's from step "
              + (pretrain + 1)
              + ".");
    } else if (pretrain > 0) {
      hints.put(
          residuals,
          "No solve yet: steps 1–"
              + pretrain
              + " pretrain a shallow unrolled stack;"
              + " solver traces start at step "
              + (pretrain + 1)
              + ".");
    } else {
      hints.put(residuals, "No solve yet: the traces appear with the first training step.");
    }
    int every = config.jacobian().probeEvery();
    String probe;
    if (!deq) {
      probe = "Only a DEQ has an equilibrium to probe (model.layer is unrolled).";
    } else if (every == 0) {
      probe = "Jacobian probing is off (jacobian.probeEvery = 0).";
    } else {
      probe =
          every > config.steps()
              ? "No probe in this run: the Jacobian is probed every "
                  + every
                  + " steps, but the run has "
                  + config.steps()
                  + " steps."
              : "The Jacobian is probed at the equilibrium every "
                  + every
                  + " steps (during pretraining"
                  + " too): first at step "
                  + every
                  + ".";
    }
    hints.put(spectral, probe);
    hints.put(ritz, probe);
  }
}
