package org.deqlab.core.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;

/**
 * Everything that defines a training run, as one immutable value that is written at the head of
 * every run log and inside every checkpoint, so a run can be reproduced from either. Each section
 * validates itself and names the offending field as {@code section.field}.
 *
 * @param name a label (the preset's name for presets)
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
 * @param device {@code cpu} or {@code gpu[:N]}
 * @param dtype {@code float32} or {@code float64}
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TrainingConfig(
    String name,
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
    String device,
    String dtype) {

  public TrainingConfig {
    require(name != null && !name.isBlank(), "name must not be empty");
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
    require(device != null && !device.isBlank(), "device must be cpu or gpu[:N]");
    require(
        "float32".equals(dtype) || "float64".equals(dtype),
        "dtype must be float32 or float64, got " + dtype);
  }

  /**
   * The task.
   *
   * @param kind {@code copy-memory}, {@code char-lm} or {@code shapes}
   * @param sequenceLength T: copy-memory delay (sequences are T+20 long), or the LM window
   * @param batchSize examples per step
   * @param corpus for char-lm: {@code builtin} or a directory with train/valid/test files
   * @param evalBatches batches per evaluation
   */
  public record Task(
      String kind, int sequenceLength, int batchSize, String corpus, int evalBatches) {
    public Task {
      require(
          kind != null
              && (kind.equals("copy-memory") || kind.equals("char-lm") || kind.equals("shapes")),
          "task.kind must be copy-memory, char-lm or shapes, got " + kind);
      require(sequenceLength >= 1, "task.sequenceLength must be ≥ 1, got " + sequenceLength);
      require(batchSize >= 1, "task.batchSize must be ≥ 1, got " + batchSize);
      require(evalBatches >= 1, "task.evalBatches must be ≥ 1, got " + evalBatches);
    }
  }

  /**
   * The model: an input embedding, one weight-tied cell used as a DEQ or unrolled, and a decoder.
   *
   * @param cell {@code transformer}, {@code trellisnet}, {@code conv} or {@code mlp}
   * @param layer {@code deq} or {@code unrolled}
   * @param depth L of the unrolled layer (also used by memory comparisons)
   * @param pretrainDepth depth of the shallow unrolled stack used during pretraining
   * @param embedding width of the input embedding x
   * @param hidden width of the state z
   * @param heads attention heads (transformer)
   * @param feedForward width of the position-wise feed-forward part (transformer)
   * @param kernelSize convolution kernel (trellisnet, conv)
   * @param dilation convolution dilation (trellisnet)
   * @param dropout variational dropout rate
   * @param weightNorm weight normalization (trellisnet)
   * @param initScale multiplies the cell's recurrent weights at initialization (smaller = more
   *     contractive at the start)
   * @param convolution the kernel convolutional cells run on ({@code auto}, {@code native} or
   *     {@code unfolded}; absent in files written before it existed, which means {@code auto})
   */
  public record Model(
      String cell,
      String layer,
      int depth,
      int pretrainDepth,
      int embedding,
      int hidden,
      int heads,
      int feedForward,
      int kernelSize,
      int dilation,
      double dropout,
      boolean weightNorm,
      double initScale,
      ConvolutionPath convolution) {

    /** On the {@link ConvolutionPath#AUTO} convolution path. */
    public Model(
        String cell,
        String layer,
        int depth,
        int pretrainDepth,
        int embedding,
        int hidden,
        int heads,
        int feedForward,
        int kernelSize,
        int dilation,
        double dropout,
        boolean weightNorm,
        double initScale) {
      this(
          cell,
          layer,
          depth,
          pretrainDepth,
          embedding,
          hidden,
          heads,
          feedForward,
          kernelSize,
          dilation,
          dropout,
          weightNorm,
          initScale,
          ConvolutionPath.AUTO);
    }

    public Model {
      convolution = convolution == null ? ConvolutionPath.AUTO : convolution;
      require(
          cell != null
              && (cell.equals("transformer")
                  || cell.equals("trellisnet")
                  || cell.equals("conv")
                  || cell.equals("mlp")),
          "model.cell must be transformer, trellisnet, conv or mlp, got " + cell);
      require(
          "deq".equals(layer) || "unrolled".equals(layer),
          "model.layer must be deq or unrolled, got " + layer);
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
      require(dropout >= 0 && dropout < 1, "model.dropout must be in [0, 1), got " + dropout);
      require(
          initScale > 0 && Double.isFinite(initScale),
          "model.initScale must be > 0, got " + initScale);
    }

    /** The same model with another dropout rate. */
    public Model withDropout(double rate) {
      return new Model(
          cell,
          layer,
          depth,
          pretrainDepth,
          embedding,
          hidden,
          heads,
          feedForward,
          kernelSize,
          dilation,
          rate,
          weightNorm,
          initScale,
          convolution);
    }

    /** The same model on another convolution path. */
    public Model withConvolution(ConvolutionPath path) {
      return new Model(
          cell,
          layer,
          depth,
          pretrainDepth,
          embedding,
          hidden,
          heads,
          feedForward,
          kernelSize,
          dilation,
          dropout,
          weightNorm,
          initScale,
          path);
    }

    /** Whether the cell has convolutions (whose path {@link #convolution} chooses). */
    public boolean convolutional() {
      return cell.equals("trellisnet") || cell.equals("conv");
    }
  }

  /** The forward solver and its options. */
  public record Forward(SolverKind solver, SolverOptions options) {
    public Forward {
      require(solver != null, "forward.solver must be anderson, broyden or fixed-point");
      require(options != null, "forward.options is required");
    }
  }

  /**
   * The backward mode.
   *
   * @param mode {@code implicit} (IFT), {@code phantom} or {@code one-step}
   * @param solver the implicit backward's solver
   * @param options the implicit backward's options (maxIterations = b_thres)
   * @param phantomSteps unrolled steps of the phantom gradient
   * @param phantomDamping damping of the phantom gradient
   */
  public record Backward(
      String mode,
      SolverKind solver,
      SolverOptions options,
      int phantomSteps,
      double phantomDamping) {
    public Backward {
      require(
          "implicit".equals(mode) || "phantom".equals(mode) || "one-step".equals(mode),
          "backward.mode must be implicit, phantom or one-step, got " + mode);
      require(solver != null, "backward.solver must be anderson, broyden or fixed-point");
      require(options != null, "backward.options is required");
      require(phantomSteps >= 1, "backward.phantomSteps must be ≥ 1, got " + phantomSteps);
      require(
          phantomDamping > 0 && phantomDamping <= 1,
          "backward.phantomDamping must be in (0, 1], got " + phantomDamping);
    }

    /** The engine's backward mode, with the given (live) options for the implicit solve. */
    public BackwardMode toMode(SolverOptions liveOptions) {
      return switch (mode) {
        case "implicit" -> new BackwardMode.Implicit(solver, liveOptions);
        case "phantom" -> new BackwardMode.Phantom(phantomSteps, phantomDamping);
        default -> BackwardMode.oneStep();
      };
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
  public record Optimizer(
      double learningRate,
      int warmupSteps,
      double minLearningRate,
      double clipNorm,
      double weightDecay) {
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
  public record Jacobian(double weight, int probes, int every, int probeEvery, int probeProducts) {
    public Jacobian {
      require(weight >= 0 && Double.isFinite(weight), "jacobian.weight must be ≥ 0, got " + weight);
      require(probes >= 1, "jacobian.probes must be ≥ 1, got " + probes);
      require(every >= 1, "jacobian.every must be ≥ 1, got " + every);
      require(probeEvery >= 0, "jacobian.probeEvery must be ≥ 0, got " + probeEvery);
      require(probeProducts >= 2, "jacobian.probeProducts must be ≥ 2, got " + probeProducts);
    }
  }

  /** The same config with another model section. */
  public TrainingConfig withModel(Model value) {
    return new TrainingConfig(
        name,
        task,
        value,
        forward,
        backward,
        optimizer,
        jacobian,
        steps,
        pretrainSteps,
        evalEvery,
        checkpointEvery,
        seed,
        device,
        dtype);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
