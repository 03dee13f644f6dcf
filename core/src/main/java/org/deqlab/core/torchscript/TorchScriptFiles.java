package org.deqlab.core.torchscript;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * What the workbench checks of a {@code .pt} file before the engine reads it, and how it turns the
 * engine's multi-line errors into one line a user can act on.
 */
final class TorchScriptFiles {
  private static final Pattern NEWER =
      Pattern.compile("version (\\d+), but the maximum supported version for reading is (\\d+)");

  private TorchScriptFiles() {}

  /**
   * Refuses what is certainly not TorchScript: a missing file, a file that is not a zip archive
   * (TorchScript files are), and a {@code torch.save} archive (pickled tensors, no code).
   */
  static void requireTorchScript(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TorchScriptException(file, "file not found");
    }
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        names.add(e.nextElement().getName());
      }
    } catch (ZipException e) {
      throw new TorchScriptException(
          file, "not a TorchScript file (not a zip archive); save it with " + HOW_TO_SAVE);
    } catch (IOException e) {
      throw new TorchScriptException(file, "cannot be read: " + e.getMessage(), e);
    }
    boolean code = names.stream().anyMatch(n -> n.contains("/code/"));
    if (!code) {
      throw new TorchScriptException(
          file,
          "not a TorchScript file (a zip archive without TorchScript code, such as a torch.save"
              + " of a state_dict or an .npz); save the cell with "
              + HOW_TO_SAVE);
    }
  }

  static final String HOW_TO_SAVE = "torch.jit.script(cell).save(\"cell.pt\")";

  /** The engine failed to read the file. */
  static TorchScriptException loadFailure(Path file, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    Matcher newer = NEWER.matcher(message);
    if (newer.find()) {
      return new TorchScriptException(
          file,
          "saved by a newer PyTorch (file format version "
              + newer.group(1)
              + "; the engine, PyTorch "
              + engineVersion()
              + ", reads up to version "
              + newer.group(2)
              + "); save it with PyTorch ≤ "
              + engineVersion(),
          e);
    }
    return new TorchScriptException(file, "could not be loaded as TorchScript: " + essence(e), e);
  }

  /** {@code forward(z0, x)} failed in the TorchScript interpreter. */
  static TorchScriptException forwardFailure(Path file, RuntimeException e) {
    String essence = essence(e);
    if (essence.contains("argument") && essence.contains("forward")) {
      return new TorchScriptException(
          file, "forward must take two arguments (z, x): " + essence, e);
    }
    return new TorchScriptException(file, "forward(z0, x) failed: " + essence, e);
  }

  /**
   * The line of an engine message that says what went wrong (the last error line, else the first).
   */
  static String essence(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String chosen = null;
    for (String line : message.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.matches("^[A-Za-z]*Error: .*")) {
        chosen = trimmed;
      }
    }
    if (chosen == null) {
      chosen =
          message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(message);
    }
    int cut = chosen.indexOf(" Exception raised from ");
    return cut > 0 ? chosen.substring(0, cut) : chosen;
  }

  private static String engineVersion() {
    return org.deqlab.core.engine.DeqEngine.get().getVersion();
  }
}
