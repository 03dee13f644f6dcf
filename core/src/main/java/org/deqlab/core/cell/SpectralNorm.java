package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.deqlab.core.engine.Autograd;

/**
 * Spectral normalization of one weight: {@code W_sn = W · c / max(σ̂, c)}, so the matrix {@code W}
 * laid out as (outputs, everything else) has a largest singular value of at most the bound c once
 * σ̂ has converged. σ̂ = uᵀWv is a power-iteration estimate of σ_max(W) whose left vector u is
 * carried from pass to pass: each training pass takes one more power step (on W without a graph),
 * so the estimate follows W as it trains at the cost of two matrix–vector products per pass.
 *
 * <p>The estimate moves only at the first application after {@link #startPass}, which the cell
 * calls from {@link Cell#startPass}: within a pass u and v are constants, so f is one fixed map for
 * the solve and its backward, and the gradient flows through {@code σ̂ = uᵀWv} into W (as in Miyato
 * et al.'s spectral normalization, which TorchDEQ also offers). Below the bound the weight passes
 * unchanged. The vectors start from a fixed pseudo-random direction (not the engine's generator),
 * so a float32 cell and its float64 twin normalize alike, and take {@value #WARM_UP} power steps
 * the first time. They are not part of the cell's parameters: a restored checkpoint warms them up
 * again.
 */
final class SpectralNorm {
  /** The most power steps taken when the estimate is first needed. */
  static final int WARM_UP = 2000;

  private final double bound;
  private final long seed;
  private NDArray left;
  private NDArray right;
  private double estimate = Double.NaN;
  private Refresh pending = Refresh.READ;
  private NDManager home;

  /** What the first application of a pass does to the estimate. */
  private enum Refresh {
    NONE,
    READ,
    STEP
  }

  /**
   * @param bound c, the largest singular value the normalized weight may have (positive)
   * @param seed picks the fixed starting direction (use a different one per weight)
   */
  SpectralNorm(double bound, long seed) {
    CellSupport.require(
        bound > 0 && Double.isFinite(bound),
        "the spectral-norm bound must be a positive finite number, got " + bound);
    this.bound = bound;
    this.seed = seed;
  }

  double bound() {
    return bound;
  }

  /**
   * A pass starts: its first {@link #apply} reads σ̂ for the weight as it is then, after one more
   * power step in a training pass. Until the next call, σ̂ and the vectors stay fixed.
   */
  void startPass(boolean training) {
    pending = training ? Refresh.STEP : Refresh.READ;
  }

  /**
   * {@code W · c / max(σ̂, c)} with σ̂ = uᵀWv differentiable in W (recorded if the caller records):
   * W itself when σ̂ ≤ c. The vectors u and v live in {@code home}, a manager that outlives the
   * pass (the parameter's).
   */
  NDArray apply(NDArray weight, NDManager home) {
    if (pending != Refresh.NONE || !warm(weight)) {
      this.home = home;
      refresh(weight, pending == Refresh.STEP);
      pending = Refresh.NONE;
    }
    if (estimate <= bound) {
      return weight;
    }
    NDArray sigma = left.matMul(matrix(weight)).matMul(right).reshape(1);
    return Autograd.scaled(weight, bound).div(sigma);
  }

  /** σ̂, the estimate of the largest singular value used by the current pass (NaN before one). */
  double estimate() {
    return estimate;
  }

  private void refresh(NDArray weight, boolean step) {
    try (NDScope scope = new NDScope()) {
      Autograd.noGrad(
          () -> {
            NDArray matrix = matrix(weight.stopGradient());
            if (!warm(weight)) {
              warmUp(matrix);
            } else if (step) {
              step(matrix);
            }
            estimate = hostEstimate(matrix);
            return null;
          });
    }
  }

  /** The weight as a matrix: (outputs, everything else). */
  private static NDArray matrix(NDArray weight) {
    return weight.reshape(weight.getShape().get(0), -1);
  }

  private double hostEstimate(NDArray matrix) {
    return left.matMul(matrix).matMul(right).toType(DataType.FLOAT64, false).getDouble();
  }

  private boolean warm(NDArray weight) {
    Shape shape = weight.getShape();
    return left != null
        && !left.isReleased()
        && left.getDataType() == weight.getDataType()
        && left.getShape().get(0) == shape.get(0)
        && right.getShape().get(0) == shape.size() / shape.get(0);
  }

  private void warmUp(NDArray matrix) {
    release();
    NDManager manager = home;
    long rows = matrix.getShape().get(0);
    Random random = new Random(seed);
    double[] start = new double[Math.toIntExact(rows)];
    for (int i = 0; i < start.length; i++) {
      start[i] = random.nextGaussian();
    }
    // Inside startPass's scope: the temporaries go with it, the kept vectors are unregistered.
    NDArray u = manager.create(start).toType(matrix.getDataType(), false);
    left = keep(normalized(u.toDevice(matrix.getDevice(), false)), manager);
    right = keep(normalized(left.matMul(matrix)), manager);
    // Until σ̂ stops moving at the dtype's precision, so that the next passes' single steps change
    // f by rounding only (a float32 cell and its float64 twin, or a cell and its restored copy,
    // then normalize alike).
    double settled = matrix.getDataType() == DataType.FLOAT64 ? 1e-13 : 1e-6;
    double previous = hostEstimate(matrix);
    for (int i = 1; i < WARM_UP; i++) {
      step(matrix);
      if (i % 10 == 0) {
        double current = hostEstimate(matrix);
        if (Math.abs(current - previous) <= settled * Math.abs(current)) {
          break;
        }
        previous = current;
      }
    }
  }

  /** One power step: v ← Wᵀu/‖Wᵀu‖, u ← Wv/‖Wv‖. */
  private void step(NDArray matrix) {
    NDManager manager = home;
    NDArray v = keep(normalized(left.matMul(matrix)), manager);
    NDArray u = keep(normalized(matrix.matMul(v)), manager);
    release();
    left = u;
    right = v;
  }

  private static NDArray normalized(NDArray vector) {
    // A tiny floor keeps an all-zero weight from giving NaN directions.
    return vector.div(vector.norm().add(1e-30));
  }

  /** Detaches {@code array} from any scope it was made in and hands it to {@code manager}. */
  private static NDArray keep(NDArray array, NDManager manager) {
    NDScope.unregister(array);
    array.attach(manager);
    return array;
  }

  private void release() {
    if (left != null && !left.isReleased()) {
      left.close();
    }
    if (right != null && !right.isReleased()) {
      right.close();
    }
    left = null;
    right = null;
  }
}
