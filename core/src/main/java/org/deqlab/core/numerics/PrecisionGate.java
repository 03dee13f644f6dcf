package org.deqlab.core.numerics;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.List;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.experiment.Precision;

/**
 * Stands before every float32 experiment: checks that the cell it is about to train has float32
 * gradients that agree with float64 on this machine ({@link PrecisionCheck}, every probe, at the
 * config's widths), remembering verdicts in a {@link PrecisionCache}. When the check fails and the
 * convolution path is {@code auto}, it switches the config to the unfolded path if that passes;
 * otherwise it refuses with a message that says what to change. A float64 experiment is its own
 * reference and is not checked.
 */
public final class PrecisionGate {
  private final PrecisionCache cache;
  private final CellCheck check;

  /** Runs every probe on one cell: {@link PrecisionCheck#run(CheckedCell, NDManager)}. */
  @FunctionalInterface
  public interface CellCheck {
    List<PrecisionOutcome> run(CheckedCell subject, NDManager manager);
  }

  /**
   * What the gate decided.
   *
   * @param config the config to run (the given one, or the same on the unfolded path)
   * @param message one line for the user: what was checked and what was done
   */
  public record Decision(ExperimentConfig config, String message) {}

  public PrecisionGate(PrecisionCache cache, CellCheck check) {
    this.cache = cache;
    this.check = check;
  }

  /** The gate with the standard cache and the default tolerances. */
  public static PrecisionGate standard() {
    PrecisionCheck check = new PrecisionCheck(PrecisionCheck.Tolerances.defaults(), 17);
    return new PrecisionGate(PrecisionCache.standard(), check::run);
  }

  /**
   * Checks {@code config}'s cell on {@code manager}'s device.
   *
   * @throws PrecisionCheckFailedException when no convolution path gives right gradients
   */
  public Decision verify(ExperimentConfig config, NDManager manager) {
    if (config.dtype() == Precision.FLOAT64) {
      return new Decision(
          config,
          "dtype float64: gradients are computed in the reference"
              + " precision (no float32 check needed)");
    }
    String cell = PrecisionSubjects.describe(config.model());
    Result first = check(config, manager);
    if (first.verdict.passed()) {
      return new Decision(
          config,
          "float32 gradients of "
              + cell
              + " verified against float64"
              + (first.cached ? " (cached for this machine)" : ""));
    }
    ExperimentConfig.Model model = config.model();
    if (model.convolutional() && model.convolution() == ConvolutionPath.AUTO) {
      ExperimentConfig unfolded = config.withModel(model.withConvolution(ConvolutionPath.UNFOLDED));
      Result second = check(unfolded, manager);
      if (second.verdict.passed()) {
        return new Decision(
            unfolded,
            "the engine's float32 convolution gradients are wrong on"
                + " this machine ("
                + first.verdict.worst()
                + "): running "
                + cell
                + " on the unfolded convolution path (model.convolution = unfolded)");
      }
    }
    String advice =
        model.convolutional() && model.convolution() != ConvolutionPath.UNFOLDED
            ? "set model.convolution to "
                + (model.convolution() == ConvolutionPath.NATIVE ? "auto or unfolded" : "unfolded")
                + ", or dtype to float64"
            : "set dtype to float64, and run ./deq doctor to see which checks fail";
    throw new PrecisionCheckFailedException(
        "float32 gradients of "
            + cell
            + " disagree with"
            + " float64 on this machine ("
            + first.verdict.worst()
            + "): "
            + advice);
  }

  private record Result(PrecisionCache.Verdict verdict, boolean cached) {}

  private Result check(ExperimentConfig config, NDManager manager) {
    CheckedCell subject =
        PrecisionSubjects.forConfig(config, PrecisionSubjects.describe(config.model()));
    String key =
        PrecisionCache.key(
            DeqEngine.label(manager.getDevice()),
            json(config.model().withDropout(0))
                + " input "
                + subject.inputShape()
                + (subject.toleranceFactor() == 1
                    ? ""
                    : " tolerance x" + subject.toleranceFactor()));
    var known = cache.lookup(key);
    if (known.isPresent()) {
      return new Result(known.get(), true);
    }
    List<PrecisionOutcome> outcomes = check.run(subject, manager);
    PrecisionCache.Verdict verdict = PrecisionCache.verdictOf(outcomes);
    cache.store(key, verdict);
    return new Result(verdict, false);
  }

  private static String json(ExperimentConfig.Model model) {
    try {
      return ExperimentConfigs.JSON
          .writer()
          .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(model);
    } catch (IOException e) {
      return model.toString();
    }
  }
}
