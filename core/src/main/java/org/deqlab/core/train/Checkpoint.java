package org.deqlab.core.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;

/**
 * A trained state on disk: the config that built the model, the completed step, every parameter and
 * the optimizer's moments, so training resumes exactly and evaluation needs nothing else. The file
 * is written to a temporary name and moved into place, so a crash never leaves half a checkpoint.
 */
public final class Checkpoint {
  private static final String MAGIC = "DEQ-WORKBENCH-CHECKPOINT";
  private static final int FORMAT = 1;

  private Checkpoint() {}

  /** Writes the trainer's model, optimizer and step to {@code file}. */
  public static void save(Path file, Trainer trainer) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
      out.writeUTF(MAGIC);
      out.writeInt(FORMAT);
      byte[] config = ExperimentConfigs.toJson(trainer.config()).getBytes(StandardCharsets.UTF_8);
      out.writeInt(config.length);
      out.write(config);
      out.writeInt(trainer.completedSteps());
      out.writeInt(trainer.optimizer().step());
      trainer.model().block().saveParameters(out);
      trainer.optimizer().state().encode(out);
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The config stored in a checkpoint, read without loading any tensor. */
  public static ExperimentConfig readConfig(Path file) {
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

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("checkpoint not found: " + file);
    }
    return new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
  }

  private static ExperimentConfig readHeader(DataInputStream in, Path file) throws IOException {
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
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          file + " has checkpoint format " + format + "; this version reads format " + FORMAT);
    }
    byte[] config = new byte[in.readInt()];
    in.readFully(config);
    return ExperimentConfigs.parse(new String(config, StandardCharsets.UTF_8));
  }
}
