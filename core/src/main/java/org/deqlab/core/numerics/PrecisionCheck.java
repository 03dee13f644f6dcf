package org.deqlab.core.numerics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.jacobian.JacobianRegularizer;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.layer.UnrolledLayer;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.solver.StopReason;

/**
 * Checks that a cell's float32 gradients are right on this machine, by comparing them with its
 * float64 twin on one small random instance; Java's garbage collector runs between every forward
 * pass and its backward, so that a gradient that reads freed Java memory shows up too. The twin
 * holds the float32 cell's parameters and inputs widened exactly, so the only difference between
 * the two is the arithmetic: a kernel whose float32 gradient is wrong (as oneDNN's convolution
 * input gradient is for some channel counts) shows up as a relative error of order 1 instead of
 * 1e-6. Finite differences are no use in float32; float64 is the reference users can trust.
 *
 * <p>Runs on the calling thread with recording off outside its own recorded sections, in a
 * sub-manager of the given manager that it closes.
 */
public final class PrecisionCheck {
  /** Unrolled layers for the {@link Probe#UNROLLED} check. */
  private static final int UNROLLED_DEPTH = 4;

  /**
   * A quantity's error is measured against at least this fraction of the largest reference gradient
   * of the probe (see {@link #relativeError}).
   */
  private static final double NEGLIGIBLE = 1e-2;

  /** Damped steps of the phantom backward that is checked. */
  private static final BackwardMode.Phantom PHANTOM = new BackwardMode.Phantom(3, 0.8);

  /** Small direct buffers allocated after a collection, to reuse what it freed. */
  private static final int REUSED_BUFFERS = 64;

  /** Rademacher probes of the Jacobian term. */
  private static final int JACOBIAN_PROBES = 2;

  /** The term's forward-difference step in both precisions (float32's own default). */
  private static final double JACOBIAN_STEP = 1e-3;

  private final Tolerances tolerances;
  private final long seed;

  /**
   * How close float32 must come to float64. A cell VJP is a handful of ops: float32 reaches about
   * 1e-6, a broken kernel 1e-1 and worse. Layers add solves whose float32 residuals stop near 1e-6,
   * amplified by the conditioning of {@code I − J}.
   *
   * <p>The Jacobian term is a forward difference with step 1e-3, whose float32 rounding alone is
   * about 6e-8/1e-3 relative to f, a few 1e-4 in its gradient.
   *
   * @param cell for {@link Probe#CELL_VJP}
   * @param layer for the layer probes
   * @param jacobianTerm for {@link Probe#JACOBIAN_TERM}
   */
  public record Tolerances(double cell, double layer, double jacobianTerm) {
    public Tolerances {
      if (!(cell > 0) || !(layer > 0) || !(jacobianTerm > 0)) {
        throw new IllegalArgumentException(
            "tolerances must be > 0, got " + cell + ", " + layer + ", " + jacobianTerm);
      }
    }

    public static Tolerances defaults() {
      return new Tolerances(1e-4, 2e-3, 1e-2);
    }

    /** Every tolerance times {@code factor} (a stricter or looser check). */
    public Tolerances scaled(double factor) {
      return new Tolerances(cell * factor, layer * factor, jacobianTerm * factor);
    }

    double of(Probe probe) {
      return switch (probe) {
        case CELL_VJP -> cell;
        case JACOBIAN_TERM -> jacobianTerm;
        default -> layer;
      };
    }
  }

  public PrecisionCheck(Tolerances tolerances, long seed) {
    this.tolerances = tolerances;
    this.seed = seed;
  }

  /** Every probe on one cell, in {@link Probe} order. */
  public List<PrecisionOutcome> run(CheckedCell subject, NDManager manager) {
    List<PrecisionOutcome> outcomes = new ArrayList<>();
    for (Probe probe : Probe.values()) {
      outcomes.add(run(subject, probe, manager));
    }
    return outcomes;
  }

  /** One probe on one cell. */
  public PrecisionOutcome run(CheckedCell subject, Probe probe, NDManager manager) {
    return run(subject, probe, manager, DataType.FLOAT32, manager);
  }

  /**
   * One probe on one cell built with {@code dataType} in {@code manager}, against its float64 twin
   * in {@code referenceManager}: on another device, this checks a device (a GPU's float64 against
   * the CPU's) rather than a precision.
   */
  public PrecisionOutcome run(
      CheckedCell subject,
      Probe probe,
      NDManager manager,
      DataType dataType,
      NDManager referenceManager) {
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try (NDManager scope = manager.newSubManager();
        NDManager referenceScope = referenceManager.newSubManager()) {
      CellTwins twins = CellTwins.build(subject, scope, dataType, referenceScope, seed);
      Measured measured =
          gradients(probe, twins.single(), twins.x32(), twins.z32(), twins.cotangent32(), scope);
      Measured referenceMeasured =
          gradients(
              probe, twins.twin(), twins.x64(), twins.z64(), twins.cotangent64(), referenceScope);
      Map<String, double[]> single = measured.gradients();
      Map<String, double[]> reference = referenceMeasured.gradients();
      double largest =
          reference.values().stream().mapToDouble(PrecisionCheck::maxAbs).max().orElse(0);
      List<PrecisionOutcome.QuantityError> errors = new ArrayList<>();
      for (Map.Entry<String, double[]> entry : reference.entrySet()) {
        errors.add(
            new PrecisionOutcome.QuantityError(
                entry.getKey(),
                relativeError(single.get(entry.getKey()), entry.getValue(), NEGLIGIBLE * largest)));
      }
      return new PrecisionOutcome(
          subject.label(),
          probe,
          errors,
          tolerances.of(probe) * subject.toleranceFactor(),
          subject.convolutional(),
          unconverged(measured.solve(), referenceMeasured.solve()));
    } finally {
      Autograd.setRecording(recording);
    }
  }

  /**
   * What one side measured: its gradients by quantity, and the forward solve of a DEQ probe (null
   * for the others).
   */
  private record Measured(Map<String, double[]> gradients, SolveStats solve) {}

  /**
   * Empty when both forward solves converged (or there were none); otherwise which did not: then
   * the gradients were taken at points that need not agree, whatever the arithmetic.
   */
  static String unconverged(SolveStats checked, SolveStats reference) {
    List<String> sides = new ArrayList<>();
    for (SolveStats stats : new SolveStats[] {checked, reference}) {
      if (stats != null && stats.stopReason() != StopReason.CONVERGED) {
        sides.add(
            String.format(
                Locale.ROOT,
                "%s %s after %d steps (relative residual %.1e)",
                stats == checked ? "checked" : "reference",
                stats.stopReason().label(),
                stats.steps(),
                stats.relativeResidual()));
      }
    }
    return sides.isEmpty()
        ? ""
        : "forward solve not converged: "
            + String.join("; ", sides)
            + " — the gradients are taken at points that need not agree";
  }

  /** The gradients of {@code ⟨cotangent, output⟩} by quantity: z (cell only), x, parameters. */
  private Measured gradients(
      Probe probe, Cell cell, NDArray x, NDArray z, NDArray cotangent, NDManager manager) {
    ParameterStore parameters = new ParameterStore(manager, false);
    for (Pair<String, Parameter> entry : cell.getParameters()) {
      Autograd.zeroGradient(entry.getValue().getArray());
    }
    NDArray input = x.duplicate();
    input.setRequiresGradient(true);
    Map<String, double[]> gradients = new LinkedHashMap<>();
    SolveStats solve = null;
    if (probe == Probe.JACOBIAN_TERM) {
      // Probes drawn on the host from one seed: the same in both precisions.
      List<NDArray> probes = new ArrayList<>();
      Random random = new Random(seed + 1);
      for (int p = 0; p < JACOBIAN_PROBES; p++) {
        double[] signs = new double[Math.toIntExact(z.size())];
        for (int i = 0; i < signs.length; i++) {
          signs[i] = random.nextBoolean() ? 1 : -1;
        }
        probes.add(manager.create(signs, z.getShape()).toType(z.getDataType(), false));
      }
      NDArray penalty =
          Autograd.recording(
              true,
              () ->
                  JacobianRegularizer.penalty(
                      cell,
                      parameters,
                      z,
                      cell.inject(parameters, input, false),
                      false,
                      probes,
                      JACOBIAN_STEP));
      gradients.put("value", new double[] {penalty.toType(DataType.FLOAT64, false).getDouble()});
      List<ByteBuffer> reused = provokeCollection();
      Autograd.backward(penalty, false);
      reused.clear();
    } else if (probe == Probe.CELL_VJP) {
      NDArray state = z.duplicate();
      state.setRequiresGradient(true);
      cell.startPass(input, false);
      NDArray image =
          Autograd.recording(
              true,
              () -> cell.apply(parameters, state, cell.inject(parameters, input, false), false));
      List<ByteBuffer> reused = provokeCollection();
      Autograd.backward(image, cotangent, false);
      reused.clear();
      gradients.put("z", doubles(state.getGradient()));
    } else {
      LayerPass pass =
          layer(probe, cell, x.getDataType())
              .forward(parameters, input, true, IterationListener.NONE);
      solve = pass.forwardStats().orElse(null);
      NDArray pairing = Autograd.recording(true, () -> pass.state().mul(cotangent).sum());
      List<ByteBuffer> reused = provokeCollection();
      Autograd.backward(pairing, false);
      reused.clear();
      pass.completeBackward();
    }
    gradients.put("x", doubles(input.getGradient()));
    for (Pair<String, Parameter> entry : cell.getParameters()) {
      gradients.put(entry.getKey(), doubles(entry.getValue().getArray().getGradient()));
    }
    return new Measured(gradients, solve);
  }

  /**
   * Runs Java's garbage collector between a forward pass and its backward, then allocates small
   * direct buffers full of NaN where it freed some. A gradient that depends on a Java buffer freed
   * after the forward pass (a DJL array closed while autograd still holds it; see {@link
   * Autograd#scaled}) then comes out wrong here, instead of only now and then in a long run.
   * Returns the new buffers, to be kept until the backward has run.
   */
  static List<ByteBuffer> provokeCollection() {
    System.gc();
    try {
      Thread.sleep(2); // the reference handler frees the buffers the collection found
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ByteBuffer> reused = new ArrayList<>(REUSED_BUFFERS);
    for (int i = 0; i < REUSED_BUFFERS; i++) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(Double.BYTES).order(ByteOrder.nativeOrder());
      buffer.putDouble(0, Double.NaN);
      reused.add(buffer);
    }
    return reused;
  }

  private static EquilibriumLayer layer(Probe probe, Cell cell, DataType dataType) {
    // Each precision solves as far as it can: the float64 reference far below float32's reach.
    double tolerance = dataType == DataType.FLOAT64 ? 1e-11 : 1e-6;
    SolverOptions options =
        SolverOptions.defaults().withStopping(100, tolerance, StopCriterion.RELATIVE);
    return switch (probe) {
      case DEQ_IMPLICIT -> DeqLayer.implicit(cell, SolverKind.BROYDEN, options);
      case DEQ_PHANTOM -> new DeqLayer(cell, SolverKind.BROYDEN, options, PHANTOM);
      case UNROLLED -> new UnrolledLayer(cell, UNROLLED_DEPTH);
      case CELL_VJP, JACOBIAN_TERM -> throw new IllegalArgumentException(probe + " is not a layer");
    };
  }

  private static double[] doubles(NDArray gradient) {
    // An untouched float64 gradient reads as float32 zeros: widen whatever comes.
    return gradient.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  /**
   * {@code max|a − b| / max(max|b|, floor)}; NaN if any entry is NaN. The floor keeps a gradient
   * that is zero in exact arithmetic (a bias that cancels out of a difference) from turning
   * float32's harmless rounding noise into a huge relative error.
   */
  static double relativeError(double[] single, double[] reference, double floor) {
    double difference = 0;
    for (int i = 0; i < reference.length; i++) {
      if (Double.isNaN(single[i]) || Double.isNaN(reference[i])) {
        return Double.NaN;
      }
      difference = Math.max(difference, Math.abs(single[i] - reference[i]));
    }
    double scale = Math.max(maxAbs(reference), floor);
    return scale == 0 ? difference : difference / scale;
  }

  private static double maxAbs(double[] values) {
    double largest = 0;
    for (double value : values) {
      largest = Math.max(largest, Math.abs(value));
    }
    return largest;
  }
}
