package org.deqlab.core.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.deqlab.core.engine.EngineThreads;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;

/**
 * A trained state on disk: the config that built the model, the completed step, the intra-op thread
 * count it trained with, every parameter and the optimizer's moments, so training resumes exactly
 * and evaluation needs nothing else. The file is written to a temporary name and moved into place,
 * so a crash never leaves half a checkpoint; it ends with a CRC-32 of everything before it,
 * verified before anything is loaded, so a damaged file is refused by name instead of loading wrong
 * weights. Format 1 files (no checksum, no thread count) are still read.
 */
public final class Checkpoint {
  private static final String MAGIC = "DEQ-WORKBENCH-CHECKPOINT";
  private static final int FORMAT = 2;
  private static final int CHECKSUM_BYTES = Long.BYTES;

  private Checkpoint() {}

  /**
   * What a checkpoint says about its run without loading tensors.
   *
   * @param config the run's config
   * @param threads the intra-op threads it trained with (0 when unknown: format 1)
   */
  public record Header(ExperimentConfig config, int threads) {}

  /** Writes the trainer's model, optimizer and step to {@code file}. */
  public static void save(Path file, Trainer trainer) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try {
      CRC32 crc = new CRC32();
      try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(partial));
          DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc))) {
        out.writeUTF(MAGIC);
        out.writeInt(FORMAT);
        byte[] config = ExperimentConfigs.toJson(trainer.config()).getBytes(StandardCharsets.UTF_8);
        out.writeInt(config.length);
        out.write(config);
        out.writeInt(EngineThreads.current());
        out.writeInt(trainer.completedSteps());
        out.writeInt(trainer.optimizer().step());
        trainer.model().block().saveParameters(out);
        trainer.optimizer().state().encode(out);
        out.flush();
        new DataOutputStream(raw).writeLong(crc.getValue());
      }
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
  }

  /** The config stored in a checkpoint, read without loading any tensor. */
  public static ExperimentConfig readConfig(Path file) {
    return readHeader(file).config();
  }

  /** The config and thread count stored in a checkpoint, after verifying its checksum. */
  public static Header readHeader(Path file) {
    try (DataInputStream in = open(file)) {
      return readHeader(in, file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads parameters and optimizer state into a trainer whose model was built from this
   * checkpoint's config.
   */
  public static void restore(Path file, Trainer trainer, NDManager manager) {
    try (DataInputStream in = open(file)) {
      readHeader(in, file);
      int step = in.readInt();
      int optimizerStep = in.readInt();
      trainer.model().block().loadParameters(manager, in);
      // DJL loads parameter arrays without gradient tracking; a restored model must train on.
      for (ai.djl.nn.Parameter parameter : trainer.model().block().getParameters().values()) {
        parameter.getArray().setRequiresGradient(true);
      }
      NDList state = NDList.decode(manager, in);
      trainer.optimizer().restore(state, optimizerStep, manager);
      trainer.restoredAt(step);
    } catch (IOException | MalformedModelException e) {
      throw new IllegalArgumentException(
          "checkpoint " + file + " does not match its model (" + e.getMessage() + ")", e);
    }
  }

  /** Opens a checkpoint for reading after verifying the checksum of a format-2 file. */
  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("checkpoint not found: " + file);
    }
    verify(file);
    return new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
  }

  /** Compares the CRC-32 of everything before the last 8 bytes with those bytes. */
  private static void verify(Path file) throws IOException {
    long size = Files.size(file);
    int format;
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      String magic;
      try {
        magic = in.readUTF();
        format = in.readInt();
      } catch (IOException e) {
        return; // too short for a header: refused as "not a checkpoint" by readHeader
      }
      if (!MAGIC.equals(magic) || format < 2) {
        return;
      }
    }
    if (size < CHECKSUM_BYTES) {
      throw damaged(file, "it is cut short");
    }
    CRC32 crc = new CRC32();
    long stored;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      byte[] buffer = new byte[1 << 16];
      long left = size - CHECKSUM_BYTES;
      while (left > 0) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (read < 0) {
          throw damaged(file, "it is cut short");
        }
        crc.update(buffer, 0, read);
        left -= read;
      }
      stored = new DataInputStream(in).readLong();
    }
    if (stored != crc.getValue()) {
      throw damaged(file, "its checksum does not match its contents");
    }
  }

  private static IllegalArgumentException damaged(Path file, String why) {
    return new IllegalArgumentException(
        "checkpoint " + file + " is damaged (" + why + "); use an earlier checkpoint-STEP.ckpt");
  }

  private static Header readHeader(DataInputStream in, Path file) throws IOException {
    String magic;
    try {
      magic = in.readUTF();
    } catch (IOException e) {
      magic = "";
    }
    if (!MAGIC.equals(magic)) {
      throw new IllegalArgumentException(file + " is not a DEQ Workbench checkpoint");
    }
    int format = in.readInt();
    if (format != 1 && format != FORMAT) {
      throw new IllegalArgumentException(
          file
              + " has checkpoint format "
              + format
              + "; this version reads formats 1 and "
              + FORMAT);
    }
    byte[] config = new byte[in.readInt()];
    in.readFully(config);
    ExperimentConfig parsed = ExperimentConfigs.parse(new String(config, StandardCharsets.UTF_8));
    int threads = format >= 2 ? in.readInt() : 0;
    return new Header(parsed, threads);
  }
}
