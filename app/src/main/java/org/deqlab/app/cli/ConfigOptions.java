package org.deqlab.app.cli;

import java.nio.file.Path;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.experiment.Presets;

/** Turns {@code --preset NAME} or {@code --config FILE} into a {@link ExperimentConfig}. */
final class ConfigOptions {
  private ConfigOptions() {}

  static ExperimentConfig load(Arguments args, String command, boolean required) {
    String preset = args.string("--preset", null);
    Path file = args.path("--config");
    if (preset != null && file != null) {
      throw new UsageException(command + ": give --preset or --config, not both");
    }
    try {
      if (file != null) {
        return ExperimentConfigs.read(file);
      }
      if (preset != null) {
        return Presets.get(preset);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (required) {
      throw new UsageException(
          command
              + ": give --preset NAME or --config FILE (presets: "
              + String.join(", ", Presets.names())
              + ")");
    }
    return Presets.get(Presets.DEFAULT);
  }

  /** The config with {@code steps} steps, pretraining clipped to a tenth of them. */
  static ExperimentConfig withSteps(ExperimentConfig c, int steps) {
    return c.shortened(steps);
  }

  static ExperimentConfig withDeviceAndSeed(ExperimentConfig c, String device, long seed) {
    try {
      return c.withDevice(DeviceChoice.parse(device)).withSeed(seed);
    } catch (IllegalArgumentException e) {
      throw new UsageException("option --device " + e.getMessage());
    }
  }
}
