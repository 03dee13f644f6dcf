package org.deqlab.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * checkpoint and the end of the run. A subscriber of the run's events; every line goes to the
 * operating system whole as it is written (one write, cut back if it fails), so a crashed or
 * stopped run keeps everything it logged, and a run can be reproduced from its header. Read back,
 * the log gives the same events, so a finished run's plots replay.
 */
public final class RunLog implements Consumer<RunEvent>, AutoCloseable {
  /** Writes events; reads them back tolerating fields it does not know (derived or newer ones). */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(Labels.jsonModule())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path file;
  private final FileChannel channel;
  private boolean skipHeader;
  private IOException failure;

  private RunLog(Path file, FileChannel channel, boolean skipHeader) {
    this.file = file;
    this.channel = channel;
    this.skipHeader = skipHeader;
  }

  /** Starts a new, empty log at {@code file} (its folder is created). */
  public static RunLog create(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new RunLog(
        file,
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE),
        false);
  }

  /**
   * Reopens the log of a run resumed from its checkpoint at {@code step}: records after that step
   * (logged after the checkpoint by a run that then crashed), the old run's end and any torn line
   * are dropped, so that the resumed run's records follow on as an uninterrupted run's would; the
   * resumed run's header is not written again.
   */
  public static RunLog resume(Path file, int step) throws IOException {
    List<String> kept = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          continue; // a torn line
        }
        if (node == null
            || "finished".equals(node.path("type").asText())
            || node.path("step").asInt(0) > step) {
          continue;
        }
        kept.add(line);
      }
    }
    Path rewritten = file.resolveSibling(file.getFileName() + ".partial");
    Files.write(rewritten, kept, StandardCharsets.UTF_8);
    Files.move(
        rewritten, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new RunLog(
        file,
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
        !kept.isEmpty());
  }

  public Path file() {
    return file;
  }

  /**
   * Appends one event (called from the run's events on the engine thread); live ones are not. A
   * record is written whole or not at all: a write that fails (a full disk) is cut back to the end
   * of the previous record, and the error names the file and the cause. After a failure nothing
   * more is written, so the log ends with a whole record.
   */
  @Override
  public synchronized void accept(RunEvent event) {
    if (!event.logged() || failure != null) {
      return;
    }
    if (skipHeader && event instanceof RunEvent.Started) {
      skipHeader = false;
      return;
    }
    byte[] line;
    try {
      line =
          (JSON.writerFor(RunEvent.class).writeValueAsString(event) + "\n")
              .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + event, e);
    }
    long end = -1;
    try {
      end = channel.size();
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      failure = e;
      if (end >= 0) {
        try {
          channel.truncate(end);
        } catch (IOException | UnsupportedOperationException ignored) {
          // nothing more can be done; readers skip a torn last line
        }
      }
      throw new UncheckedIOException(
          "cannot write run log " + file + ": " + RunFolderLock.reason(e), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
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
