package org.deqlab.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.StopCriterion;

/**
 * Gradients of a cell's equilibrium, checked in float64 against central finite differences of
 * {@code L(z*) = Σ C⊙z* + ½‖z*‖²} (C fixed and random), for every parameter of the cell and the
 * input. The fixture every cell test shares: give it a contractive cell so that the tight solves it
 * runs converge.
 */
public final class GradientCheck {
  /** Broyden to an absolute residual of 1e-12: tight enough for 1e-4 relative checks. */
  public static final SolverOptions TIGHT =
      SolverOptions.defaults().withStopping(200, 1e-12, StopCriterion.ABSOLUTE);

  /** Name of the input's entry in {@link #gradients}. */
  public static final String INPUT = "x";

  private final NDManager manager;
  private final Cell cell;
  private final ParameterStore parameters;
  private final NDArray x;
  private final NDArray weights;
  private final long seed;

  /**
   * @param manager the test's manager
   * @param cell an initialized float64 cell
   * @param x the input, float64
   * @param seed seeds C and the choice of sampled entries
   */
  public GradientCheck(NDManager manager, Cell cell, NDArray x, long seed) {
    this.manager = manager;
    this.cell = cell;
    this.parameters = new ParameterStore(manager, false);
    this.x = x;
    this.seed = seed;
    this.weights = gaussian(manager, cell.stateShape(x.getShape()), 1.0, new Random(seed));
  }

  /** A float64 array of independent N(0, scale²) entries from a host generator. */
  public static NDArray gaussian(NDManager manager, Shape shape, double scale, Random random) {
    double[] values = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = scale * random.nextGaussian();
    }
    return manager.create(values, shape);
  }

  /**
   * Moves the cell away from its special initial values, so that no gradient is checked only at a
   * symmetric point: biases and norm shifts get N(0, scale²) added, norm gains are multiplied by 1
   * + N(0, scale²). Weights are left alone (they decide contractivity).
   */
  public static void jitterBiasesAndGains(Cell cell, double scale, Random random) {
    for (Pair<String, Parameter> entry : cell.getParameters()) {
      Parameter parameter = entry.getValue();
      Parameter.Type type = parameter.getType();
      boolean additive = type == Parameter.Type.BIAS || type == Parameter.Type.BETA;
      if (!additive && type != Parameter.Type.GAMMA) {
        continue;
      }
      NDArray array = parameter.getArray();
      double[] values = array.toType(DataType.FLOAT64, false).toDoubleArray();
      for (int i = 0; i < values.length; i++) {
        double noise = scale * random.nextGaussian();
        values[i] = additive ? values[i] + noise : values[i] * (1 + noise);
      }
      try (NDArray jittered = array.getManager().create(values)) {
        array.set(jittered.toType(array.getDataType(), false).toByteBuffer());
      }
    }
  }

  public ParameterStore parameters() {
    return parameters;
  }

  public NDArray input() {
    return x;
  }

  /** The DEQ layer of the check: tight Broyden forward, implicit backward by tight Broyden. */
  public DeqLayer implicitLayer() {
    return DeqLayer.implicit(cell, SolverKind.BROYDEN, TIGHT);
  }

  /** The loss of a state (recorded if the caller records). */
  public NDArray loss(NDArray z) {
    return z.mul(weights).sum().add(z.square().sum().mul(0.5));
  }

  /** Solves for z* on {@code input} without a graph. */
  public SolverResult solve(NDArray input) {
    return implicitLayer().solve(parameters, input, (k, a, r) -> {});
  }

  /** L(z*(input)) for the cell's current parameters. */
  public double lossAt(NDArray input) {
    return Autograd.noGrad(() -> loss(solve(input).equilibrium()).getDouble());
  }

  /**
   * The gradients {@code layer} gives, by parameter name and {@link #INPUT}, flattened. Runs one
   * training pass: forward, back-propagation of L, and the layer's own backward completion.
   */
  public Map<String, double[]> gradients(EquilibriumLayer layer) {
    for (Pair<String, Parameter> entry : cell.getParameters()) {
      Autograd.zeroGradient(entry.getValue().getArray());
    }
    NDArray input = x.duplicate();
    input.setRequiresGradient(true);
    LayerPass pass = layer.forward(parameters, input, true, (k, a, r) -> {});
    NDArray value = Autograd.recording(true, () -> loss(pass.state()));
    Autograd.backward(value, false);
    pass.completeBackward();
    Map<String, double[]> gradients = new LinkedHashMap<>();
    for (Pair<String, Parameter> entry : cell.getParameters()) {
      gradients.put(entry.getKey(), doubles(entry.getValue().getArray().getGradient()));
    }
    gradients.put(INPUT, doubles(input.getGradient()));
    return gradients;
  }

  private static double[] doubles(NDArray array) {
    // An untouched float64 gradient reads as float32 zeros (see STACK.md).
    return array.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  /** Analytic and numeric gradient on the same sampled entries of one parameter or the input. */
  public record Comparison(String name, int[] entries, double[] analytic, double[] numeric) {
    /** ‖analytic − numeric‖ / ‖numeric‖ over the sampled entries. */
    public double relativeError() {
      return Dense.relativeError(analytic, numeric);
    }

    public double numericNorm() {
      return Math.sqrt(Arrays.stream(numeric).map(v -> v * v).sum());
    }

    @Override
    public String toString() {
      return String.format(
          "%s: %d entries, relative error %.2e, |numeric| %.2e",
          name, entries.length, relativeError(), numericNorm());
    }
  }

  /**
   * Compares {@code layer}'s gradients with central differences of step {@code h}, on at most
   * {@code maxEntries} entries (chosen at random, or all of them) of every parameter and the input.
   */
  public List<Comparison> compareWithFiniteDifferences(
      EquilibriumLayer layer, int maxEntries, double h) {
    Map<String, double[]> analytic = gradients(layer);
    Random random = new Random(seed + 1);
    List<Comparison> comparisons = new ArrayList<>();
    for (Pair<String, Parameter> entry : cell.getParameters()) {
      NDArray array = entry.getValue().getArray();
      int[] entries = sample(Math.toIntExact(array.size()), maxEntries, random);
      double[] numeric = new double[entries.length];
      for (int n = 0; n < entries.length; n++) {
        numeric[n] = CentralDifference.partial(array, entries[n], h, () -> lossAt(x));
      }
      comparisons.add(
          new Comparison(
              entry.getKey(), entries, pick(analytic.get(entry.getKey()), entries), numeric));
    }
    int[] entries = sample(Math.toIntExact(x.size()), maxEntries, random);
    double[] numeric = new double[entries.length];
    for (int n = 0; n < entries.length; n++) {
      numeric[n] = CentralDifference.partial(x, entries[n], h, () -> lossAt(x));
    }
    comparisons.add(new Comparison(INPUT, entries, pick(analytic.get(INPUT), entries), numeric));
    return comparisons;
  }

  private static int[] sample(int size, int maxEntries, Random random) {
    if (size <= maxEntries) {
      return IntStream.range(0, size).toArray();
    }
    List<Integer> all = new ArrayList<>(IntStream.range(0, size).boxed().toList());
    java.util.Collections.shuffle(all, random);
    return all.subList(0, maxEntries).stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  private static double[] pick(double[] values, int[] entries) {
    return Arrays.stream(entries).mapToDouble(i -> values[i]).toArray();
  }
}
