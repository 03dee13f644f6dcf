package org.deqlab.app.cli;

import java.nio.file.Path;
import org.deqlab.core.train.Presets;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.core.train.TrainingConfigs;

/** Turns {@code --preset NAME} or {@code --config FILE} into a {@link TrainingConfig}. */
final class ConfigOptions {
  private ConfigOptions() {}

  static TrainingConfig load(Arguments args, String command, boolean required) {
    String preset = args.string("--preset", null);
    Path file = args.path("--config");
    if (preset != null && file != null) {
      throw new UsageException(command + ": give --preset or --config, not both");
    }
    try {
      if (file != null) {
        return TrainingConfigs.read(file);
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

  /** The config with {@code steps} replaced (pretraining and intervals clipped to fit). */
  static TrainingConfig withSteps(TrainingConfig c, int steps) {
    return new TrainingConfig(
        c.name(),
        c.task(),
        c.model(),
        c.forward(),
        c.backward(),
        c.optimizer(),
        c.jacobian(),
        steps,
        Math.min(c.pretrainSteps(), steps / 10),
        c.evalEvery(),
        c.checkpointEvery(),
        c.seed(),
        c.device(),
        c.dtype());
  }

  static TrainingConfig withDeviceAndSeed(TrainingConfig c, String device, long seed) {
    return new TrainingConfig(
        c.name(),
        c.task(),
        c.model(),
        c.forward(),
        c.backward(),
        c.optimizer(),
        c.jacobian(),
        c.steps(),
        c.pretrainSteps(),
        c.evalEvery(),
        c.checkpointEvery(),
        seed,
        device,
        c.dtype());
  }
}
