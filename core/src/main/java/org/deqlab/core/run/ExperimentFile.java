package org.deqlab.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;

/**
 * A saved experiment ({@code .deq.json}): its config, and where its run log and last checkpoint
 * are, so reopening a finished run shows its plots without retraining. Paths are stored relative to
 * the file when they lie beside it, so a run folder can be moved as a whole.
 *
 * @param config the experiment's config
 * @param runLog the run log, or null before the first run
 * @param checkpoint the last checkpoint, or null
 */
public record ExperimentFile(ExperimentConfig config, Path runLog, Path checkpoint) {
  private static final int FORMAT = 1;

  public void write(Path file) throws IOException {
    ObjectNode root = ExperimentConfigs.JSON.createObjectNode();
    root.put("format", FORMAT);
    root.set("config", ExperimentConfigs.JSON.valueToTree(config));
    Path base = file.toAbsolutePath().getParent();
    root.put("runLog", runLog == null ? null : relative(base, runLog));
    root.put("checkpoint", checkpoint == null ? null : relative(base, checkpoint));
    Files.writeString(file, ExperimentConfigs.JSON.writeValueAsString(root));
  }

  /** Reads a saved experiment; the error names the file and the problem. */
  public static ExperimentFile read(Path file) {
    JsonNode root;
    try {
      root = ExperimentConfigs.JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read experiment " + file + ": " + firstLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("experiment " + file + " is not a JSON object");
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw new IllegalArgumentException(
          "experiment " + file + ": field 'format' must be " + FORMAT);
    }
    if (!root.path("config").isObject()) {
      throw new IllegalArgumentException("experiment " + file + ": field 'config' is missing");
    }
    ExperimentConfig config =
        ExperimentConfigs.fromJson((ObjectNode) root.get("config"), file + " (config)");
    Path base = file.toAbsolutePath().getParent();
    return new ExperimentFile(
        config, resolve(base, root.path("runLog")), resolve(base, root.path("checkpoint")));
  }

  private static String relative(Path base, Path target) {
    Path absolute = target.toAbsolutePath();
    return base != null && absolute.startsWith(base)
        ? base.relativize(absolute).toString()
        : absolute.toString();
  }

  private static Path resolve(Path base, JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode() || node.asText().isBlank()) {
      return null;
    }
    Path path = Path.of(node.asText());
    return path.isAbsolute() || base == null ? path : base.resolve(path);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
