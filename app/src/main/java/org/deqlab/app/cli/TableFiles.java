package org.deqlab.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --json FILE} and {@code --csv FILE} for the commands whose result is a table of points
 * ({@code memory}, {@code sweep-length}): a picocli mixin that writes whichever was asked for.
 */
final class TableFiles {
  @Option(names = "--json", paramLabel = "FILE")
  private Path json;

  @Option(names = "--csv", paramLabel = "FILE")
  private Path csv;

  /** Writes the report as JSON and the rows as CSV where asked, saying so on {@code out}. */
  void write(Map<String, Object> report, String csvRows, PrintStream out) throws IOException {
    if (json != null) {
      Reports.writeJson(json, report);
      out.println("wrote " + json);
    }
    if (csv != null) {
      Path parent = csv.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(csv, csvRows);
      out.println("wrote " + csv);
    }
  }
}
