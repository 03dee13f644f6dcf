package org.deqlab.core.torchscript;

import java.nio.file.Path;

/**
 * A TorchScript cell or its input that the workbench refuses, with one line naming the file and
 * what is wrong with it. An {@link IllegalArgumentException}, so the command line prints it as a
 * usage error (exit 2) and the window as a dialog.
 */
public final class TorchScriptException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public TorchScriptException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public TorchScriptException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
