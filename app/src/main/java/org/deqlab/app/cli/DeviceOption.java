package org.deqlab.app.cli;

import ai.djl.Device;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.experiment.ExperimentConfig;
import picocli.CommandLine.Option;

/**
 * {@code --device auto|cpu|cuda[:N]} ({@code gpu[:N]} accepted too), on every command that
 * computes: a picocli mixin. Without it a config keeps its own device and the other commands use
 * {@code auto} (a usable GPU, else the CPU).
 */
final class DeviceOption {
  @Option(names = "--device", paramLabel = "auto|cpu|cuda[:N]")
  private DeviceChoice choice;

  /** Whether {@code --device} was given. */
  boolean given() {
    return choice != null;
  }

  /** What was asked for, {@code auto} when nothing was. */
  DeviceChoice choice() {
    return choice != null ? choice : DeviceChoice.AUTO;
  }

  /**
   * The device, resolved when the command runs rather than by picocli (knowing which GPUs exist
   * starts the engine); a GPU that cannot be used is an {@link IllegalArgumentException} saying
   * why, which the command line prints as one line with exit 2.
   */
  Device resolve() {
    return choice().resolve();
  }

  /** {@code config} on the device asked for, or unchanged when none was. */
  ExperimentConfig applyTo(ExperimentConfig config) {
    return choice == null ? config : config.withDevice(choice);
  }

  /** The option as given, for a child process. */
  java.util.List<String> asArguments() {
    return choice == null ? java.util.List.of() : java.util.List.of("--device", choice.label());
  }
}
