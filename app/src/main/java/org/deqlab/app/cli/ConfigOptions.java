package org.deqlab.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.experiment.Presets;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --preset NAME} or {@code --config FILE}, and {@code --device}, for the commands that run
 * an experiment: a picocli mixin that turns them into an {@link ExperimentConfig}.
 */
final class ConfigOptions {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--preset", paramLabel = "NAME", completionCandidates = PresetNames.class)
  private String preset;

  @Option(names = "--config", paramLabel = "FILE")
  private Path config;

  @Mixin private DeviceOption device;

  /** Whether {@code --preset} or {@code --config} was given. */
  boolean given() {
    return preset != null || config != null;
  }

  /**
   * The experiment the options name; without either, the default preset, or a usage error when the
   * command needs one.
   */
  ExperimentConfig load(boolean required) {
    return device.applyTo(named(required));
  }

  /** The device asked for with {@code --device}, for commands that restore a checkpoint. */
  DeviceOption device() {
    return device;
  }

  private ExperimentConfig named(boolean required) {
    if (preset != null && config != null) {
      throw new ParameterException(command.commandLine(), "give --preset or --config, not both");
    }
    if (config != null) {
      return ExperimentConfigs.read(config);
    }
    if (preset != null) {
      return Presets.get(preset);
    }
    if (required) {
      throw new ParameterException(
          command.commandLine(),
          "give --preset NAME or --config FILE (presets: "
              + String.join(", ", Presets.names())
              + ")");
    }
    return Presets.get(Presets.DEFAULT);
  }

  /** The options as given, for a child process running the same experiment. */
  List<String> asArguments() {
    List<String> arguments = new ArrayList<>();
    if (preset != null) {
      arguments.addAll(List.of("--preset", preset));
    } else if (config != null) {
      arguments.addAll(List.of("--config", config.toString()));
    }
    arguments.addAll(device.asArguments());
    return arguments;
  }

  /** The preset names, for the help text. */
  static final class PresetNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Presets.names().iterator();
    }
  }
}
