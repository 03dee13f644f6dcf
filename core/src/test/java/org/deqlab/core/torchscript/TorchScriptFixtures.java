package org.deqlab.core.torchscript;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/** The TorchScript cells made by {@code scripts/make-torchscript-fixtures.py} with PyTorch 1.13. */
final class TorchScriptFixtures {
  private TorchScriptFixtures() {}

  static Path file(String name) {
    return Path.of("src/test/resources/torchscript", name);
  }

  /** Cell {@code NAME.pt} on its input {@code NAME.npz}. */
  static TorchScriptProblem load(String name, NDManager manager) {
    return TorchScriptProblem.load(file(name + ".pt"), file(name + ".npz"), manager);
  }
}
