package org.deqlab.core.experiment;

import ai.djl.ndarray.NDManager;
import io.soabase.recordbuilder.core.RecordBuilder;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.cell.TapSpacing;
import org.deqlab.core.cell.TrellisGating;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;

/**
 * Everything that defines an experiment, as one immutable value: written at the head of every run
 * log and inside every checkpoint, so a run can be reproduced from either, and edited with {@code
 * with…} methods. Each section validates itself and names the offending field as {@code
 * section.field}; {@link ExperimentConfigs} reads and writes it as JSON (presets are such files).
 *
 * @param name a label (the preset's name for presets)
 * @param description one or two sentences on what the experiment shows (may be empty)
 * @param task the task and its data
 * @param model the cell and how it is used (DEQ or unrolled)
 * @param forward the forward solver
 * @param backward the backward mode
 * @param optimizer Adam and its schedule
 * @param jacobian Jacobian regularization and probing
 * @param steps optimization steps
 * @param pretrainSteps the first steps train a shallow unrolled stack (the DEQ papers' warm-up)
 * @param evalEvery evaluate on held-out data every this many steps (0 = only at the end)
 * @param checkpointEvery save a checkpoint every this many steps (0 = only at the end)
 * @param seed seed of parameter initialization and data
 * @param device where to run: auto, cpu or cuda:N
 * @param dtype float32 or float64
 */
@RecordBuilder
public record ExperimentConfig(
    String name,
    String description,
    Task task,
    Model model,
    Forward forward,
    Backward backward,
    Optimizer optimizer,
    Jacobian jacobian,
    int steps,
    int pretrainSteps,
    int evalEvery,
    int checkpointEvery,
    long seed,
    DeviceChoice device,
    Precision dtype)
    implements ExperimentConfigBuilder.With {

  public ExperimentConfig {
    require(name != null && !name.isBlank(), "name must not be empty");
    description = description == null ? "" : description;
    require(task != null, "task is required");
    require(model != null, "model is required");
    require(forward != null, "forward is required");
    require(backward != null, "backward is required");
    require(optimizer != null, "optimizer is required");
    require(jacobian != null, "jacobian is required");
    require(steps >= 1, "steps must be ≥ 1, got " + steps);
    require(
        pretrainSteps >= 0 && pretrainSteps <= steps,
        "pretrainSteps must be in [0, steps], got " + pretrainSteps);
    require(evalEvery >= 0, "evalEvery must be ≥ 0, got " + evalEvery);
    require(checkpointEvery >= 0, "checkpointEvery must be ≥ 0, got " + checkpointEvery);
    require(device != null, "device must be auto, cpu or cuda[:N]");
    require(dtype != null, "dtype must be float32 or float64");
  }

  /**
   * The task.
   *
   * @param kind copy-memory, char-lm or shapes
   * @param sequenceLength T: copy-memory delay (sequences are T+20 long), the LM window, or the
   *     image side
   * @param batchSize examples per step
   * @param corpus for char-lm: {@code builtin} or a directory with train/valid/test files
   * @param data for targets: the {@code .npz} with inputs {@code x} and targets {@code y} (empty
   *     for the other tasks; absent in files written before 2026-12-05)
   * @param evalBatches batches per evaluation
   */
  @RecordBuilder
  public record Task(
      TaskKind kind, int sequenceLength, int batchSize, String corpus, String data, int evalBatches)
      implements ExperimentConfigTaskBuilder.With {
    public Task {
      require(kind != null, "task.kind must be copy-memory, char-lm, shapes or targets");
      require(sequenceLength >= 1, "task.sequenceLength must be ≥ 1, got " + sequenceLength);
      require(batchSize >= 1, "task.batchSize must be ≥ 1, got " + batchSize);
      require(evalBatches >= 1, "task.evalBatches must be ≥ 1, got " + evalBatches);
      corpus = corpus == null || corpus.isBlank() ? "builtin" : corpus;
      data = data == null ? "" : data.strip();
      require(
          kind != TaskKind.TARGETS || !data.isEmpty(),
          "task.data must name the .npz with arrays x and y for task targets");
      require(
          kind == TaskKind.TARGETS || data.isEmpty(),
          "task.data applies to task targets only, not to " + kind.label() + ": leave it empty");
    }
  }

  /**
   * The model: an input embedding, one weight-tied cell used as a DEQ or unrolled, and a decoder.
   *
   * @param cell transformer, trellisnet, conv or mlp
   * @param layer deq or unrolled
   * @param depth L of the unrolled layer (also used by memory comparisons)
   * @param pretrainDepth depth of the shallow unrolled stack used during pretraining
   * @param embedding width of the input embedding x
   * @param hidden width of the state z
   * @param heads attention heads (transformer)
   * @param feedForward width of the position-wise feed-forward part (transformer)
   * @param scales resolutions of the multiscale cell (mdeq): the state holds the image at full size
   *     and halved {@code scales − 1} times, with twice the channels at each halving (0, or absent
   *     in older files: 2)
   * @param kernelSize convolution kernel (trellisnet, conv, mdeq)
   * @param dilation convolution dilation (trellisnet)
   * @param taps where a trellisnet convolution's taps look back: dilated (0, d, 2d, …) or
   *     exponential (0 and j·bⁱ for the base b = max(2, d): a dilation schedule folded into one
   *     layer); absent in older files: dilated
   * @param gating the trellisnet unit: none (tanh), glu (tanh ⊙ σ) or lstm (TrellisNet's LSTM
   *     unit); absent in older files: none
   * @param dropout variational dropout rate
   * @param weightNorm weight normalization (trellisnet)
   * @param spectralNorm spectral normalization of the cell's weights to this largest singular value
   *     (trellisnet, conv, mdeq; 0, or absent in older files, = off)
   * @param initScale multiplies the cell's recurrent weights at initialization (smaller = more
   *     contractive at the start)
   * @param convolution the kernel convolutional cells run on: auto, native, padded or unfolded
   * @param module for torchscript: the user's TorchScript file, whose {@code forward(z, x)} is f
   *     (empty for the built-in cells; absent in files written before 2026-12-05)
   * @param moduleInput for torchscript: the {@code .npz} with {@code x} and {@code z0} the module
   *     is checked on when loaded (z0 gives the state's shape)
   */
  @RecordBuilder
  public record Model(
      CellKind cell,
      LayerKind layer,
      int depth,
      int pretrainDepth,
      int embedding,
      int hidden,
      int heads,
      int feedForward,
      int scales,
      int kernelSize,
      int dilation,
      TapSpacing taps,
      TrellisGating gating,
      double dropout,
      boolean weightNorm,
      double spectralNorm,
      double initScale,
      ConvolutionPath convolution,
      String module,
      String moduleInput)
      implements ExperimentConfigModelBuilder.With {
    public Model {
      require(
          cell != null,
          "model.cell must be transformer, trellisnet, conv, mdeq, mlp or torchscript");
      require(layer != null, "model.layer must be deq or unrolled");
      require(depth >= 1, "model.depth must be ≥ 1, got " + depth);
      require(pretrainDepth >= 1, "model.pretrainDepth must be ≥ 1, got " + pretrainDepth);
      require(embedding >= 1, "model.embedding must be ≥ 1, got " + embedding);
      require(hidden >= 1, "model.hidden must be ≥ 1, got " + hidden);
      require(
          heads >= 1 && hidden % heads == 0,
          "model.heads must be ≥ 1 and divide model.hidden (" + hidden + "), got " + heads);
      require(feedForward >= 1, "model.feedForward must be ≥ 1, got " + feedForward);
      require(kernelSize >= 1, "model.kernelSize must be ≥ 1, got " + kernelSize);
      require(dilation >= 1, "model.dilation must be ≥ 1, got " + dilation);
      // Absent in files written before 2026-12-05 (run-log headers read them leniently).
      scales = scales == 0 ? 2 : scales;
      taps = taps == null ? TapSpacing.DILATED : taps;
      gating = gating == null ? TrellisGating.NONE : gating;
      require(scales >= 1 && scales <= 4, "model.scales must be in [1, 4], got " + scales);
      require(
          gating != TrellisGating.LSTM || hidden % 2 == 0,
          "model.hidden must be even with model.gating = lstm (h and c take half each), got "
              + hidden);
      require(
          spectralNorm >= 0 && Double.isFinite(spectralNorm),
          "model.spectralNorm must be 0 (off) or a positive bound, got " + spectralNorm);
      require(
          spectralNorm == 0 || cell.spectralNormalized(),
          "model.spectralNorm applies to the trellisnet, conv and mdeq cells, not to "
              + cell.label()
              + ": set it to 0");
      require(dropout >= 0 && dropout < 1, "model.dropout must be in [0, 1), got " + dropout);
      require(
          initScale > 0 && Double.isFinite(initScale),
          "model.initScale must be > 0, got " + initScale);
      convolution = convolution == null ? ConvolutionPath.AUTO : convolution;
      module = module == null ? "" : module.strip();
      moduleInput = moduleInput == null ? "" : moduleInput.strip();
      if (cell == CellKind.TORCHSCRIPT) {
        require(!module.isEmpty(), "model.module must name the TorchScript file (.pt)");
        require(
            !moduleInput.isEmpty(),
            "model.moduleInput must name the .npz with x and z0 the module is checked on");
      } else {
        require(
            module.isEmpty() && moduleInput.isEmpty(),
            "model.module and model.moduleInput apply to model.cell torchscript only, not to "
                + cell.label()
                + ": leave them empty");
      }
    }

    /** Whether the layer is a DEQ (rather than an unrolled stack). */
    public boolean deq() {
      return layer == LayerKind.DEQ;
    }

    /** Whether the cell has convolutions (whose kernel {@link #convolution} chooses). */
    public boolean convolutional() {
      return cell.convolutional();
    }

    /** Other widths: embedding, state, attention heads and feed-forward. */
    public Model withWidths(
        int embeddingWidth, int hiddenWidth, int headCount, int feedForwardWidth) {
      return with(
          b ->
              b.embedding(embeddingWidth)
                  .hidden(hiddenWidth)
                  .heads(headCount)
                  .feedForward(feedForwardWidth));
    }

    /** The trellisnet unit and where its taps look. */
    public Model withTrellis(TrellisGating gatingValue, TapSpacing tapsValue) {
      return with(b -> b.gating(gatingValue).taps(tapsValue));
    }
  }

  /** The forward solver and its options. */
  @RecordBuilder
  public record Forward(SolverKind solver, SolverOptions options)
      implements ExperimentConfigForwardBuilder.With {
    public Forward {
      require(solver != null, "forward.solver must be anderson, broyden or fixed-point");
      require(options != null, "forward.options is required");
    }
  }

  /**
   * The backward mode.
   *
   * @param mode implicit (IFT), phantom or one-step
   * @param solver the implicit backward's solver
   * @param options the implicit backward's options (maxIterations = b_thres)
   * @param phantomSteps unrolled steps of the phantom gradient
   * @param phantomDamping damping of the phantom gradient
   */
  @RecordBuilder
  public record Backward(
      BackwardKind mode,
      SolverKind solver,
      SolverOptions options,
      int phantomSteps,
      double phantomDamping)
      implements ExperimentConfigBackwardBuilder.With {
    public Backward {
      require(mode != null, "backward.mode must be implicit, phantom or one-step");
      require(solver != null, "backward.solver must be anderson, broyden or fixed-point");
      require(options != null, "backward.options is required");
      require(phantomSteps >= 1, "backward.phantomSteps must be ≥ 1, got " + phantomSteps);
      require(
          phantomDamping > 0 && phantomDamping <= 1,
          "backward.phantomDamping must be in (0, 1], got " + phantomDamping);
    }

    /** The engine's backward mode, with the given (live) options for the implicit solve. */
    public BackwardMode toMode(SolverOptions liveOptions) {
      return mode.toMode(this, liveOptions);
    }
  }

  /**
   * Adam with linear warm-up and cosine decay.
   *
   * @param learningRate peak learning rate
   * @param warmupSteps linear warm-up steps
   * @param minLearningRate floor of the cosine decay
   * @param clipNorm global gradient-norm clipping (0 = off)
   * @param weightDecay decoupled weight decay
   */
  @RecordBuilder
  public record Optimizer(
      double learningRate,
      int warmupSteps,
      double minLearningRate,
      double clipNorm,
      double weightDecay)
      implements ExperimentConfigOptimizerBuilder.With {
    public Optimizer {
      require(
          learningRate > 0 && learningRate < 10,
          "optimizer.learningRate must be in (0, 10), got " + learningRate);
      require(warmupSteps >= 0, "optimizer.warmupSteps must be ≥ 0, got " + warmupSteps);
      require(
          minLearningRate >= 0 && minLearningRate <= learningRate,
          "optimizer.minLearningRate must be in [0, learningRate], got " + minLearningRate);
      require(clipNorm >= 0, "optimizer.clipNorm must be ≥ 0, got " + clipNorm);
      require(weightDecay >= 0, "optimizer.weightDecay must be ≥ 0, got " + weightDecay);
    }

    /** The same with another peak rate (the floor lowered to it if it was higher). */

    /** The same with peak rate {@code value}, the cosine's floor kept at or below it. */
    @Override
    public Optimizer withLearningRate(double value) {
      return with(b -> b.learningRate(value).minLearningRate(Math.min(minLearningRate, value)));
    }

    /** The learning rate at 1-based {@code step} of {@code total}, for a peak of {@code peak}. */
    public double rateAt(int step, int total, double peak) {
      if (warmupSteps > 0 && step <= warmupSteps) {
        return peak * step / warmupSteps;
      }
      double progress = (double) (step - warmupSteps) / Math.max(1, total - warmupSteps);
      double floor = Math.min(minLearningRate, peak);
      return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }
  }

  /**
   * Jacobian regularization and probing.
   *
   * @param weight γ of the term γ·‖J_f(z*)‖²_F/d added to the loss (0 = off)
   * @param probes Hutchinson probes per regularization term
   * @param every apply the regularization every this many steps
   * @param probeEvery estimate ρ(J) and ‖J‖²_F/d for the metrics every this many steps (0 = never)
   * @param probeProducts vector–Jacobian products per spectral estimate
   */
  @RecordBuilder
  public record Jacobian(double weight, int probes, int every, int probeEvery, int probeProducts)
      implements ExperimentConfigJacobianBuilder.With {
    public Jacobian {
      require(weight >= 0 && Double.isFinite(weight), "jacobian.weight must be ≥ 0, got " + weight);
      require(probes >= 1, "jacobian.probes must be ≥ 1, got " + probes);
      require(every >= 1, "jacobian.every must be ≥ 1, got " + every);
      require(probeEvery >= 0, "jacobian.probeEvery must be ≥ 0, got " + probeEvery);
      require(probeProducts >= 2, "jacobian.probeProducts must be ≥ 2, got " + probeProducts);
    }
  }

  // --- Building what the config describes ------------------------------------------------------

  /** The task's data, generated from the config's seed. */
  public TrainingData newData() {
    return task.kind().data(task, seed, dtype.dataType());
  }

  /** A new, uninitialized cell of the model section, for the task's inputs. */
  public Cell newCell() {
    return model.cell().build(model, task.kind().inputWidth(model));
  }

  /** A new, uninitialized model for {@code vocabulary} token ids (or classes, for images). */
  public TaskModel newModel(int vocabulary) {
    return task.kind().model(newCell(), vocabulary, model);
  }

  /** Initializes every parameter of {@code model} (seed the engine first for repeatable runs). */
  public void initialize(TaskModel taskModel, NDManager manager) {
    taskModel
        .block()
        .initialize(manager, dtype.dataType(), task.kind().modelInputShape(task.sequenceLength()));
  }

  /** Whether step {@code step} (1-based) belongs to the shallow unrolled pretraining phase. */
  public boolean pretraining(int step) {
    return model.deq() && step <= pretrainSteps;
  }

  // --- Edits -----------------------------------------------------------------------------------

  /** The same with {@code value} steps, the pretraining kept within them. */
  @Override
  public ExperimentConfig withSteps(int value) {
    return with(b -> b.steps(value).pretrainSteps(Math.min(pretrainSteps, value)));
  }

  public ExperimentConfig withSchedule(int evalEveryValue, int checkpointEveryValue) {
    return with(b -> b.evalEvery(evalEveryValue).checkpointEvery(checkpointEveryValue));
  }

  /**
   * A shortened run of {@code value} steps for a quick look: pretraining clipped to a tenth of them
   * (so the DEQ phase is reached).
   */
  public ExperimentConfig shortened(int value) {
    return withSteps(value).withPretrainSteps(Math.min(pretrainSteps, value / 10));
  }

  static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
