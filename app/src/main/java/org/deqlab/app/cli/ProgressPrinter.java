package org.deqlab.app.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.events.RunEvent;

/**
 * A run's events on a terminal: what runs where, then a one-line progress bar (step, loss, solver
 * steps and residuals, speed and ETA), redrawn in place on a terminal and printed every few seconds
 * otherwise; evaluations, setting changes, sweep points and the end of the run get lines of their
 * own. Live solver progress and checkpoints are not printed.
 */
final class ProgressPrinter implements Consumer<RunEvent> {
  private final PrintStream out;
  private final String verb;
  private int totalSteps;
  private final boolean terminal = System.console() != null;
  private final long started = System.nanoTime();
  private long lastPrinted;
  private double smoothedMillis = Double.NaN;
  private int startStep = -1;
  private RunEvent.Step lastProbed;

  /**
   * @param verb how the first line starts, e.g. {@code training} or {@code running … headless}
   */
  ProgressPrinter(PrintStream out, String verb) {
    this.out = out;
    this.verb = verb;
  }

  @Override
  public void accept(RunEvent event) {
    if (event instanceof RunEvent.SolverProgress || event instanceof RunEvent.CheckpointSaved) {
      return;
    }
    if (event instanceof RunEvent.Started started) {
      totalSteps = started.config().steps();
      out.printf(
          Locale.ROOT,
          "%s %s on %s (%s) — %s%n",
          verb,
          started.config().name(),
          started.device(),
          DeqEngine.versions(),
          started.data());
      if (started.deviceNote() != null) {
        out.println("device: " + started.deviceNote());
      }
      if (started.threads() != null) {
        out.println("intra-op threads: " + started.threads());
      }
      out.println(started.precision());
      if (started.baselineLoss() != null && Double.isFinite(started.baselineLoss())) {
        out.printf(Locale.ROOT, "trivial baseline loss: %.4f%n", started.baselineLoss());
      }
      return;
    }
    if (event instanceof RunEvent.Step step) {
      if (startStep < 0) {
        startStep = step.step() - 1;
      }
      if (step.probed()) {
        lastProbed = step;
      }
      smoothedMillis =
          Double.isNaN(smoothedMillis) ? step.millis() : 0.9 * smoothedMillis + 0.1 * step.millis();
      long now = System.nanoTime();
      boolean due =
          terminal ? now - lastPrinted > 100_000_000L : now - lastPrinted > 5_000_000_000L;
      if (due || step.step() == totalSteps || step.step() == startStep + 1) {
        lastPrinted = now;
        String line = bar(step);
        if (terminal) {
          out.print("\r" + line + "   ");
        } else {
          out.println(line);
        }
        out.flush();
      }
    } else {
      if (terminal) {
        out.println();
      }
      out.println(describe(event));
    }
  }

  private String bar(RunEvent.Step step) {
    int width = 20;
    int filled = (int) Math.round(width * (double) step.step() / totalSteps);
    String progress = "#".repeat(filled) + "-".repeat(width - filled);
    String forward =
        step.forward() == null
            ? "unrolled"
            : String.format(
                Locale.ROOT,
                "fwd %2d (%.1e)",
                step.forward().steps(),
                step.forward().relativeResidual());
    String backward =
        step.backward() == null
            ? ""
            : String.format(Locale.ROOT, " bwd %2d", step.backward().steps());
    String jacobian =
        step.regularization() > 0
            ? String.format(Locale.ROOT, " +jac %.4f", step.regularization())
            : "";
    String probe =
        lastProbed == null
            ? ""
            : String.format(
                Locale.ROOT,
                " ρ %.3f ‖J‖²/d %.3f",
                lastProbed.spectralRadius(),
                lastProbed.frobenius());
    double etaSeconds = smoothedMillis * (totalSteps - step.step()) / 1000;
    return String.format(
        Locale.ROOT,
        "step %d/%d [%s] loss %.4f%s %s%s%s | %.0f ms/step ETA %s",
        step.step(),
        totalSteps,
        progress,
        step.loss(),
        jacobian,
        forward,
        backward,
        probe,
        smoothedMillis,
        duration(etaSeconds));
  }

  static String describe(RunEvent event) {
    if (event instanceof RunEvent.Evaluation e) {
      String bpc =
          Double.isNaN(e.bitsPerCharacter())
              ? ""
              : String.format(Locale.ROOT, " bpc %.3f", e.bitsPerCharacter());
      String accuracy =
          Double.isNaN(e.accuracy())
              ? ""
              : String.format(Locale.ROOT, " accuracy %.3f", e.accuracy());
      return String.format(
          Locale.ROOT,
          "eval @%d (%s): loss %.4g%s%s mean forward steps %.1f",
          e.step(),
          e.split(),
          e.loss(),
          accuracy,
          bpc,
          e.meanForwardSteps());
    }
    if (event instanceof RunEvent.SettingChanged c) {
      return "setting @" + c.step() + ": " + c.description();
    }
    if (event instanceof RunEvent.SweepPoint p) {
      return String.format(
          Locale.ROOT,
          "sweep (%s): length %4d: %.1f forward steps (max %d), %.0f%% converged",
          p.series(),
          p.length(),
          p.meanSteps(),
          p.maxSteps(),
          100 * p.convergedFraction());
    }
    if (event instanceof RunEvent.Finished f) {
      return "finished: " + f.reason() + " — " + f.message();
    }
    return event.toString();
  }

  private String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
