package org.deqlab.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deqlab.core.text.Labels;

/** Writes JSON reports the same way for every command (pretty-printed, parent folders created). */
final class Reports {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(Labels.jsonModule())
          .enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  static void writeJson(Path file, Object report) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), report);
  }
}
