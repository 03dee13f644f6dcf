package org.deqlab.app.cli;

import ai.djl.Device;
import org.deqlab.core.engine.DeqEngine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --device cpu|gpu[:N]}, for the commands that compute on one device: a picocli mixin. */
final class DeviceOption {
  @Option(names = "--device", paramLabel = "cpu|gpu[:N]")
  private String device = "cpu";

  /**
   * The device, parsed when the command runs rather than by picocli: knowing which GPUs exist
   * starts the engine.
   */
  Device resolve(CommandSpec command) {
    return OptionValues.parse(command, "--device", device, DeqEngine::parseDevice);
  }
}
