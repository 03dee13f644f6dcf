package org.deqlab.app.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.deqlab.core.data.TaskDataFactory;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.model.ModelFactory;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.numerics.PrecisionGate;
import org.deqlab.core.solver.SolverWorkspace;
import org.deqlab.core.train.Checkpoint;
import org.deqlab.core.train.LiveSettings;
import org.deqlab.core.train.MetricStream;
import org.deqlab.core.train.Trainer;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.core.train.TrainingData;

/**
 * One experiment assembled from its config: device and manager, data, model, trainer, live settings
 * and metric stream. The command line and the workbench window build experiments the same way,
 * here. Must be created and used on the engine thread. It owns the {@link SolverWorkspace} of its
 * solves (training, evaluation, sweeps) and frees it when it closes.
 */
public final class Experiment implements AutoCloseable {
  private final TrainingConfig requested;
  private final TrainingConfig config;
  private final String precisionNote;
  private final Device device;
  private final NDManager manager;
  private final TrainingData data;
  private final TaskModel model;
  private final MetricStream stream = new MetricStream();
  private final LiveSettings settings;
  private final SolverWorkspace solverWorkspace;
  private final Trainer trainer;

  private Experiment(TrainingConfig requested, PrecisionGate gate) {
    this.requested = requested;
    this.device = DeqEngine.parseDevice(requested.device());
    this.manager = DeqEngine.newManager(device);
    Autograd.setRecording(false);
    PrecisionGate.Decision precision;
    try {
      precision = gate.verify(requested, manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    this.config = precision.config();
    this.precisionNote = precision.message();
    manager.getEngine().setRandomSeed((int) config.seed());
    DataType dataType = DeqEngine.parseDataType(config.dtype());
    this.data = TaskDataFactory.create(config.task(), config.seed(), dataType);
    this.model = ModelFactory.create(config, data.vocabularySize());
    ModelFactory.initialize(model, config, manager, dataType);
    this.settings = new LiveSettings(Trainer.initialValues(config));
    this.solverWorkspace = new SolverWorkspace(manager);
    this.trainer = new Trainer(config, model, data, manager, stream, settings, solverWorkspace);
  }

  /**
   * A fresh experiment: parameters initialized from the config's seed. A float32 config passes the
   * {@link PrecisionGate} first, which may move convolutional cells to the unfolded path (see
   * {@link #config()} and {@link #precisionNote()}) or refuse with a {@link
   * org.deqlab.core.numerics.PrecisionCheckFailedException}.
   */
  public static Experiment create(TrainingConfig config) {
    return new Experiment(config, PrecisionGate.standard());
  }

  /** An experiment restored from a checkpoint (its own config, parameters, optimizer, step). */
  public static Experiment restore(Path checkpoint) {
    Experiment experiment =
        new Experiment(Checkpoint.readConfig(checkpoint), PrecisionGate.standard());
    Checkpoint.restore(checkpoint, experiment.trainer, experiment.manager);
    return experiment;
  }

  /** The config this experiment runs: the requested one, or the same on a verified path. */
  public TrainingConfig config() {
    return config;
  }

  /** The config this experiment was created from, before the precision check. */
  public TrainingConfig requestedConfig() {
    return requested;
  }

  /** One line on the float32 precision check: what was verified, and what was switched. */
  public String precisionNote() {
    return precisionNote;
  }

  public Device device() {
    return device;
  }

  public NDManager manager() {
    return manager;
  }

  public TrainingData data() {
    return data;
  }

  public TaskModel model() {
    return model;
  }

  public MetricStream stream() {
    return stream;
  }

  public LiveSettings settings() {
    return settings;
  }

  public Trainer trainer() {
    return trainer;
  }

  /** The solver buffers this experiment's solves reuse; closed with the experiment. */
  public SolverWorkspace solverWorkspace() {
    return solverWorkspace;
  }

  @Override
  public void close() {
    solverWorkspace.close();
    manager.close();
  }
}
