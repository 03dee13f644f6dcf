package org.deqlab.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.text.Labels;

/**
 * A run's log, {@code run.jsonl}: the run's {@link RunEvent}s as JSON lines, a header line first
 * (config, seed, provenance, data) and one line per step, evaluation, setting change, sweep point,
 * checkpoint and the end of the run. A subscriber of the run's events; every line is flushed as it
 * is written, so a crashed or stopped run keeps everything it logged, and a run can be reproduced
 * from its header. Read back, the log gives the same events, so a finished run's plots replay.
 */
public final class RunLog implements Consumer<RunEvent>, AutoCloseable {
  /** Writes events; reads them back tolerating fields it does not know (derived or newer ones). */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(Labels.jsonModule())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path file;
  private final BufferedWriter writer;

  private RunLog(Path file, BufferedWriter writer) {
    this.file = file;
    this.writer = writer;
  }

  /** Starts a new, empty log at {@code file} (its folder is created). */
  public static RunLog create(Path file) throws IOException {
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
    return new RunLog(file, writer);
  }

  public Path file() {
    return file;
  }

  /** Appends one event (called from the run's events on the engine thread); live ones are not. */
  @Override
  public synchronized void accept(RunEvent event) {
    if (!event.logged()) {
      return;
    }
    try {
      writer.write(JSON.writerFor(RunEvent.class).writeValueAsString(event));
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
   * A log read back: its header and its events, in order. Lines that cannot be read (a run killed
   * mid-line) are skipped and counted.
   */
  public record Contents(RunEvent.Started header, List<RunEvent> events, int unreadableLines) {
    public ExperimentConfig config() {
      return header.config();
    }

    /** The events of one kind, in order. */
    public <T extends RunEvent> List<T> ofType(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
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
    RunEvent first;
    try {
      first = parse(lines.get(0));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "run log " + file + ": line 1 is not a header line (" + e.getOriginalMessage() + ")", e);
    }
    if (!(first instanceof RunEvent.Started header)) {
      throw new IllegalArgumentException("run log " + file + ": line 1 is not a header line");
    }
    List<RunEvent> events = new ArrayList<>();
    int unreadable = 0;
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        events.add(parse(lines.get(i)));
      } catch (JsonProcessingException e) {
        unreadable++;
      }
    }
    return new Contents(header, events, unreadable);
  }

  private static RunEvent parse(String line) throws JsonProcessingException {
    return JSON.readValue(line, RunEvent.class);
  }
}
