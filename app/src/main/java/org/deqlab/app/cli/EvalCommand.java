package org.deqlab.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.run.ExperimentRun;

/** {@code ./deq eval}: evaluates a checkpoint on held-out data. */
public final class EvalCommand implements Command {

  @Override
  public String name() {
    return "eval";
  }

  @Override
  public String summary() {
    return "evaluate a checkpoint on held-out data";
  }

  @Override
  public String usage() {
    return """
        Usage: ./deq eval --checkpoint FILE [--split valid|test]

          Rebuilds the model from the checkpoint's own config, loads its parameters and reports
          loss, accuracy (bits per character for language modelling) and mean forward solver steps.
        """;
  }

  @Override
  public int run(String[] argv, PrintStream out) {
    Arguments args = Arguments.parse(name(), argv, Set.of("--checkpoint", "--split"), Set.of());
    Path checkpoint = args.path("--checkpoint");
    if (checkpoint == null) {
      throw new UsageException("eval: give --checkpoint FILE");
    }
    String split = args.string("--split", "valid");
    if (!split.equals("valid") && !split.equals("test")) {
      throw new UsageException("eval: option --split must be valid or test, got '" + split + "'");
    }
    try (ExperimentRun experiment =
        ExperimentRun.restore(checkpoint, ExperimentRun.Options.inMemory())) {
      out.println(
          "checkpoint "
              + checkpoint
              + ": "
              + experiment.config().name()
              + " after "
              + experiment.trainer().completedSteps()
              + " steps");
      RunEvent.Evaluation evaluation = experiment.trainer().evaluate(split);
      out.println(ProgressPrinter.describe(evaluation));
      if (Double.isFinite(experiment.data().baselineLoss())) {
        out.printf(
            java.util.Locale.ROOT,
            "trivial baseline loss: %.4f%n",
            experiment.data().baselineLoss());
      }
    }
    return 0;
  }
}
