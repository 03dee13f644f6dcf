package org.deqlab.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deqlab.core.data.Split;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.run.ExperimentRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./deq eval}: evaluates a checkpoint on held-out data. */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "eval",
    header = "evaluate a checkpoint on held-out data",
    description =
        "Rebuilds the model from the checkpoint's own config, loads its parameters and reports"
            + " loss, accuracy (bits per character for language modelling) and mean forward solver"
            + " steps.")
final class EvalCommand implements Callable<Integer> {
  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "FILE")
  private Path checkpoint;

  @Mixin private DeviceOption device;

  @Option(names = "--split", paramLabel = "valid|test")
  private Split split = Split.VALID;

  EvalCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (checkpoint == null) {
      throw new ParameterException(spec.commandLine(), "give --checkpoint FILE");
    }
    try (ExperimentRun experiment =
        ExperimentRun.restore(checkpoint, device::applyTo, ExperimentRun.Options.inMemory())) {
      out.println("checkpoint " + checkpoint + ": " + experiment.describe());
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
