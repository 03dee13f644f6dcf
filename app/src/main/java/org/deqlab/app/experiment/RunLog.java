package org.deqlab.app.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.train.TrainingEvent;

/**
 * A run's log, {@code run.jsonl}: a header line (config, seed, provenance, data) and then one JSON
 * object per event — {@code step} lines with the loss and full solver statistics, {@code eval},
 * {@code setting} and a final {@code finished} line. Every line is flushed as it is written, so a
 * crashed or stopped run keeps everything it logged; a run can be reproduced from its header.
 */
public final class RunLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final BufferedWriter writer;

  private RunLog(Path file, BufferedWriter writer) {
    this.file = file;
    this.writer = writer;
  }

  /** Starts a new log at {@code file}, writing its header. */
  public static RunLog create(
      Path file, ExperimentConfig config, Provenance provenance, String data) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    BufferedWriter writer =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    RunLog log = new RunLog(file, writer);
    ObjectNode header = JSON.createObjectNode();
    header.put("type", "header");
    header.set("config", JSON.valueToTree(config));
    header.put("seed", config.seed());
    header.set("provenance", JSON.valueToTree(provenance));
    header.put("data", data);
    log.writeLine(header);
    return log;
  }

  public Path file() {
    return file;
  }

  /** Appends one event (called from the metric stream on the engine thread). */
  public synchronized void append(TrainingEvent event) {
    ObjectNode line = JSON.valueToTree(event);
    line.put("type", typeOf(event));
    writeLine(line);
  }

  private static String typeOf(TrainingEvent event) {
    if (event instanceof TrainingEvent.Step) {
      return "step";
    } else if (event instanceof TrainingEvent.Evaluation) {
      return "eval";
    } else if (event instanceof TrainingEvent.SettingChanged) {
      return "setting";
    }
    return "finished";
  }

  private void writeLine(JsonNode node) {
    try {
      writer.write(JSON.writeValueAsString(node));
      writer.newLine();
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write run log " + file, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }

  /**
   * A log read back: its header and its events, in order. Lines that cannot be parsed (a run killed
   * mid-line) are skipped and counted.
   */
  public record Contents(JsonNode header, List<JsonNode> events, int unreadableLines) {
    public ExperimentConfig config() {
      try {
        return JSON.treeToValue(header.get("config"), ExperimentConfig.class);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "run log header has a malformed config: " + e.getMessage(), e);
      }
    }

    /** The events of one type ({@code step}, {@code eval}, {@code setting}, {@code finished}). */
    public List<JsonNode> ofType(String type) {
      return events.stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }
  }

  /** Reads a log; the error names the file and what is wrong with it. */
  public static Contents read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read run log " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("run log " + file + " is empty");
    }
    JsonNode header;
    try {
      header = JSON.readTree(lines.get(0));
    } catch (IOException e) {
      throw new IllegalArgumentException("run log " + file + ": line 1 is not JSON", e);
    }
    if (!"header".equals(header.path("type").asText())) {
      throw new IllegalArgumentException("run log " + file + ": line 1 is not a header line");
    }
    List<JsonNode> events = new ArrayList<>();
    int unreadable = 0;
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        events.add(JSON.readTree(lines.get(i)));
      } catch (IOException e) {
        unreadable++;
      }
    }
    return new Contents(header, events, unreadable);
  }
}
