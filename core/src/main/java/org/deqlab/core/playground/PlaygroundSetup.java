package org.deqlab.core.playground;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.Iterator;
import java.util.Map;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;

/**
 * Everything the playground's controls set, as one immutable value: the map and its weights ({@code
 * W = s·R(θ)}), the input {@code x}, the start point {@code z₀} the user drags, the solvers'
 * settings and the unrolled depth. Lessons store one as JSON (only the fields they change).
 *
 * @param map which 2-D map
 * @param scale s, the stretch of W, in [0, 3]
 * @param rotationDegrees θ, the rotation of W in degrees, in [−180, 180]
 * @param inputX first component of x, in [−3, 3]
 * @param inputY second component of x, in [−3, 3]
 * @param startX first component of the start point z₀, in [−10, 10]
 * @param startY second component of z₀, in [−10, 10]
 * @param damping τ of the damped iteration {@code z ← (1−τ) z + τ f(z)}, in (0, 1]
 * @param andersonMemory m, how many past iterates Anderson mixes, in [1, 10]
 * @param tolerance absolute residual ‖f(z) − z‖ at which a solve has converged, in (0, 0.1]
 * @param maxIterations most iterations per solve, in [1, 500]
 * @param depth L, the layers of the unrolled stack compared with the DEQ, in [1, {@link
 *     #MAX_DEPTH}]
 */
@RecordBuilder
public record PlaygroundSetup(
    PlaneMapKind map,
    double scale,
    double rotationDegrees,
    double inputX,
    double inputY,
    double startX,
    double startY,
    double damping,
    int andersonMemory,
    double tolerance,
    int maxIterations,
    int depth)
    implements PlaygroundSetupBuilder.With {

  /** The deepest unrolled stack the depth slider offers. */
  public static final int MAX_DEPTH = 60;

  public PlaygroundSetup {
    require(map != null, "map must be tanh or linear, got null");
    require(scale >= 0 && scale <= 3, "scale s must be in [0, 3], got " + scale);
    require(
        rotationDegrees >= -180 && rotationDegrees <= 180,
        "rotationDegrees θ must be in [−180, 180], got " + rotationDegrees);
    require(Math.abs(inputX) <= 3 && Math.abs(inputY) <= 3, "input x must lie in [−3, 3]²");
    require(
        Math.abs(startX) <= 10 && Math.abs(startY) <= 10, "start point z₀ must lie in [−10, 10]²");
    require(damping > 0 && damping <= 1, "damping τ must be in (0, 1], got " + damping);
    require(
        andersonMemory >= 1 && andersonMemory <= 10,
        "andersonMemory m must be in [1, 10], got " + andersonMemory);
    require(tolerance > 0 && tolerance <= 0.1, "tolerance must be in (0, 0.1], got " + tolerance);
    require(
        maxIterations >= 1 && maxIterations <= 500,
        "maxIterations must be in [1, 500], got " + maxIterations);
    require(
        depth >= 1 && depth <= MAX_DEPTH,
        "depth L must be in [1, " + MAX_DEPTH + "], got " + depth);
  }

  /** What the playground opens with: a contractive tanh DEQ (ρ ≈ 0.7) whose iterates spiral in. */
  public static PlaygroundSetup defaults() {
    return new PlaygroundSetup(
        PlaneMapKind.TANH, 0.9, 40, 0.4, -0.2, 1.6, -1.5, 0.5, 5, 1e-6, 80, 8);
  }

  /** The weight matrix {@code W = s·R(θ)}. */
  public Matrix2 weights() {
    return Matrix2.scaledRotation(scale, Math.toRadians(rotationDegrees));
  }

  public Point2 input() {
    return new Point2(inputX, inputY);
  }

  public Point2 start() {
    return new Point2(startX, startY);
  }

  /** The map these settings describe. */
  public PlaneMap planeMap() {
    return map.build(weights(), input());
  }

  /**
   * The engine's solver options for these settings: absolute residual (the state's scale is fixed
   * in 2-D), plain iteration undamped (damped iteration applies {@link #damping} itself).
   */
  public SolverOptions solverOptions() {
    return SolverOptions.defaults()
        .withStopping(maxIterations, tolerance, StopCriterion.ABSOLUTE)
        .withAnderson(andersonMemory, 1e-8, 1.0)
        .withBroyden(50, false)
        .withDamping(1.0);
  }

  public PlaygroundSetup withInput(double x, double y) {
    return with(b -> b.inputX(x).inputY(y));
  }

  public PlaygroundSetup withStart(double x, double y) {
    return with(b -> b.startX(x).startY(y));
  }

  /**
   * These settings with the fields of a JSON object changed (a lesson gives only what it sets);
   * unknown fields and values out of range are refused, naming {@code source} and the field.
   */
  public PlaygroundSetup withOverrides(JsonNode overrides, String source) {
    if (overrides == null || overrides.isNull()) {
      return this;
    }
    if (!overrides.isObject()) {
      throw new IllegalArgumentException(source + ": the playground settings must be an object");
    }
    ObjectNode merged = ExperimentConfigs.JSON.valueToTree(this);
    Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!merged.has(field.getKey())) {
        throw new IllegalArgumentException(
            source
                + ": unknown playground field '"
                + field.getKey()
                + "' (fields: "
                + String.join(", ", iterable(merged.fieldNames()))
                + ")");
      }
      merged.set(field.getKey(), field.getValue());
    }
    try {
      return ExperimentConfigs.JSON.treeToValue(merged, PlaygroundSetup.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(source + ": " + cause.getMessage(), e);
    }
  }

  private static Iterable<String> iterable(Iterator<String> names) {
    java.util.List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
