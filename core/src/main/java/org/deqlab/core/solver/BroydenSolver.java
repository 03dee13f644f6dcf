package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Broyden's "good" method on {@code g(z) = f(z) − z}, as in the DEQ paper: the inverse Jacobian of
 * g is approximated by {@code H}, starting from {@code H₀ = −I}, and refined after each step by the
 * Sherman–Morrison rank-one update {@code H ← H + (δ − H y) δᵀH / (δᵀH y)} from the step taken
 * {@code δ} and the change of residual {@code y}; the direction is {@code s = −H g}. Each sample
 * has its own H.
 *
 * <p>Stored the limited-memory way of Kelley (Iterative Methods for Linear and Nonlinear Equations,
 * §7.3): with directions {@code s_j} and step lengths {@code λ_j} (δ_j = λ_j s_j), the k-th update
 * is {@code u_k v_kᵀ = (s_{k+1} − (1−λ_k) s_k) s_kᵀH_k / ‖s_k‖²}, so the directions alone determine
 * H — one history row per step instead of the two (u and v) of the textbook form, which halves the
 * solver's memory. Applying H is a recurrence on the coefficients of {@code s_0…s_k}, computed on
 * the host from the Gram matrix {@code ⟨s_i, s_j⟩} and the products {@code ⟨g, s_j⟩}; the device
 * does two batched products per iteration (the new Gram row with ‖g‖², and the new direction as a
 * combination of the rows). Identical to the textbook iteration in exact arithmetic.
 *
 * <p>Limited memory: after {@code broydenMemory} updates the approximation restarts from {@code H =
 * −I}. Overwriting only the oldest update (as some reference code does) leaves the later updates,
 * which were derived through it, inconsistent; on a 32-dimensional affine test with memory 6 that
 * variant diverged where restarting converges. An update whose denominator {@code δᵀH y} vanishes
 * is skipped for that sample.
 *
 * <p>The history grows with the iterations actually used: it starts at the size recent solves of
 * the same state shape needed (as the caller's {@link SolverWorkspace} remembers it), or {@value
 * #INITIAL_CAPACITY} rows, never at the iteration threshold up front, and is taken from the
 * workspace where an earlier solve of the same state shape left one; so a training loop's forward
 * and adjoint solves share one buffer sized by what they used the step before. The residual that
 * ends a solve is measured without a row of its own (a row is added only when the iteration goes
 * on), so a solve holds one row per direction.
 *
 * <p>With {@code lineSearch} a sample whose residual does not decrease enough under the full step
 * backtracks (halving its step, at most {@value #MAX_BACKTRACKS} times).
 */
public final class BroydenSolver extends FixedPointSolver {
  private static final int INITIAL_CAPACITY = 8;
  static final BroydenSolver INSTANCE = new BroydenSolver(INITIAL_CAPACITY, true);

  private static final int MAX_BACKTRACKS = 4;
  private static final double ARMIJO = 1e-4;
  private static final double TINY_DENOMINATOR = 1e-30;

  private final int initialCapacity;
  private final boolean reuse;

  /**
   * @param initialCapacity history rows a solve starts with when no hint applies
   * @param reuse whether a solve starts at the size recent solves of its state shape needed, in a
   *     history an earlier solve left in the workspace where one fits
   */
  BroydenSolver(int initialCapacity, boolean reuse) {
    this.initialCapacity = initialCapacity;
    this.reuse = reuse;
  }

  @Override
  public SolverKind kind() {
    return SolverKind.BROYDEN;
  }

  @Override
  UpdateRule newRule(SolverOptions options, SolveScope scope, Iterate first) {
    return new Rule(options, scope, first);
  }

  private final class Rule implements UpdateRule {
    private final int memory;
    private final int maxRows;
    private final boolean lineSearch;
    private final int batch;
    private final int[] sampleAxes;
    private final SolveScope scope;
    private final SolverWorkspace.StateKey states;
    private final History steps;

    /** Per sample: ⟨s_i, s_j⟩ at [i * hostCapacity + j]. */
    private double[][] gram;

    /** Per sample: ⟨g, s_j⟩ of the iterate just measured. */
    private double[][] residualProducts;

    /** Per sample: step length λ_j of direction j. */
    private double[][] stepLengths;

    /** Per sample: whether update j was taken (false where its denominator vanished). */
    private boolean[][] updated;

    private int hostCapacity;
    private int rowsUsed;
    private double[] lastAbsolute;

    /**
     * Directions stored in rows 0…stored−1; row {@code stored} holds the current residual, or
     * {@link #pending} does when the history had no free row for it.
     */
    private int stored;

    private NDArray pending;

    Rule(SolverOptions options, SolveScope scope, Iterate first) {
      memory = Math.min(options.broydenMemory(), options.maxIterations());
      maxRows = memory + 2; // s_0…s_memory and the residual that triggers the restart
      lineSearch = options.lineSearch();
      Shape shape = first.z().getShape();
      batch = (int) shape.get(0);
      sampleAxes = HostValues.sampleAxes(shape);
      states = SolverWorkspace.StateKey.of(first.z());
      int capacity =
          Math.min(maxRows, reuse ? scope.capacityHint(states, initialCapacity) : initialCapacity);
      this.scope = scope;
      steps = scope.history(first.z(), capacity, reuse);
      allocateHost(steps.capacity()); // a recycled history may have more rows than asked for
    }

    @Override
    public Residuals measure(Iterate current) {
      int first = Math.max(stored - 1, 0);
      int count = stored - first + 1;
      int columns = stored + 1;
      double[] products;
      if (stored < steps.capacity()) {
        steps.assignDifference(stored, current.fz(), current.z());
        products = HostValues.of(steps.products(first, count, columns)); // (batch, count, columns)
      } else {
        // No free row: measure this residual from a temporary and add a row only if the solve
        // goes on (next), so a solve that ends here never holds a row for its last residual.
        pending = scope.keep(current.fz().sub(current.z()));
        products = steps.productsWith(pending, first, count, stored);
      }
      double[] absolute = new double[batch];
      for (int s = 0; s < batch; s++) {
        int base = s * count * columns;
        double squared;
        if (stored == 0) {
          squared = products[base];
        } else {
          int last = stored - 1;
          for (int j = 0; j <= last; j++) {
            double value = products[base + j];
            gram[s][last * hostCapacity + j] = value;
            gram[s][j * hostCapacity + last] = value;
          }
          System.arraycopy(products, base + columns, residualProducts[s], 0, stored);
          squared = products[base + columns + stored];
        }
        absolute[s] = Math.sqrt(Math.abs(squared));
      }
      lastAbsolute = absolute;
      return new Residuals(absolute, HostValues.sampleNorms(current.fz(), sampleAxes));
    }

    /**
     * This solve needs {@code rows} rows: the next solves of the state shape start with as many.
     */
    private void noteRowsUsed(int rows) {
      if (rows > rowsUsed) {
        rowsUsed = rows;
        if (reuse) {
          scope.noteRowsNeeded(states, rowsUsed);
        }
      }
    }

    @Override
    public boolean readsImageInNext() {
      return false; // f(z) is in the history already
    }

    @Override
    public Iterate next(Iterate current, UnaryOperator<NDArray> f) {
      if (stored == memory + 1) {
        // restart from H = −I: s_0 = −H g = g
        steps.assign(0, pending != null ? pending : steps.row(stored));
        stored = 0;
      } else if (pending != null) {
        int capacity = Math.min(maxRows, stored + 1 + steps.capacity() / 4);
        steps.grow(capacity);
        allocateHost(steps.capacity());
        steps.assign(stored, pending);
      }
      scope.release(pending);
      pending = null;
      // Rows that go on being needed: the directions. A solve that ends measures its last
      // residual without a row, so the next solve of these states starts with this many.
      noteRowsUsed(stored + 1);
      NDArray direction;
      if (stored == 0) {
        direction = steps.row(0); // s_0 = g, already in place
      } else {
        int columns = stored + 1;
        double[] coefficients = new double[batch * columns];
        for (int s = 0; s < batch; s++) {
          directionCoefficients(s, coefficients, s * columns);
        }
        NDArray combined = steps.combine(steps.coefficients(coefficients, columns), columns);
        steps.assign(stored, combined);
        combined.close(); // the row holds it now; f's evaluation should not find two copies alive
        direction = steps.row(stored);
      }
      double[] scale = new double[batch];
      Arrays.fill(scale, 1.0);
      NDArray stepped = current.z().add(direction);
      Iterate next;
      if (lineSearch) {
        next = backtrack(current, direction, Iterate.evaluate(stepped, f), f, scale);
        scope.release(current.z());
      } else {
        scope.release(current.z()); // z_k = z_{k+1} − s_k if it is needed again
        next = Iterate.evaluate(stepped, f);
      }
      for (int s = 0; s < batch; s++) {
        stepLengths[s][stored] = scale[s];
      }
      stored++;
      return next;
    }

    @Override
    public boolean rebuildsPreviousIterate() {
      return true;
    }

    @Override
    public NDArray previousIterate(Iterate current) {
      NDArray direction = steps.row(stored - 1);
      double[] lengths = new double[batch];
      boolean fullSteps = true;
      for (int s = 0; s < batch; s++) {
        lengths[s] = stepLengths[s][stored - 1];
        fullSteps &= lengths[s] == 1.0;
      }
      return current.z().sub(fullSteps ? direction : direction.mul(perSample(lengths, direction)));
    }

    /**
     * Coefficients of the new direction {@code s_p = −H_p g} over rows 0…p (row p holds g), with p
     * = stored. {@code t = H_{p−1} g = −g + Σ b_i s_i} by the recurrence {@code t ← t + [(s_{j+1} −
     * (1−λ_j) s_j) / ‖s_j‖²] ⟨s_j, t⟩}; the last update involves s_p itself, which gives {@code s_p
     * = (−t + (1−λ_q) c s_q) / (1 + c)} with q = p−1 and {@code c = ⟨s_q, t⟩ / ‖s_q‖²}.
     */
    private void directionCoefficients(int sample, double[] out, int offset) {
      int p = stored;
      double[] products = gram[sample];
      double[] a = residualProducts[sample];
      double[] lengths = stepLengths[sample];
      boolean[] taken = updated[sample];
      double[] b = new double[p];
      for (int j = 0; j < p - 1; j++) {
        if (!taken[j]) {
          continue;
        }
        double sigma = (innerWithT(products, a, b, j) / products[j * hostCapacity + j]);
        b[j + 1] += sigma;
        b[j] -= (1 - lengths[j]) * sigma;
      }
      int q = p - 1;
      double st = innerWithT(products, a, b, q);
      double squaredNorm = products[q * hostCapacity + q];
      double denominator = lengths[q] * (squaredNorm + st); // δᵀ H y of the update
      double c;
      if (Math.abs(denominator) >= TINY_DENOMINATOR && Double.isFinite(denominator)) {
        taken[q] = true;
        c = st / squaredNorm;
      } else {
        taken[q] = false; // no update from this pair: H_p = H_{p−1}
        c = 0;
      }
      double inverse = 1 / (1 + c);
      for (int i = 0; i < p; i++) {
        out[offset + i] = -b[i] * inverse;
      }
      out[offset + q] += (1 - lengths[q]) * c * inverse;
      out[offset + p] = inverse;
    }

    /** {@code ⟨s_j, t⟩} for {@code t = −g + Σ_{i≤j} b_i s_i}. */
    private double innerWithT(double[] products, double[] a, double[] b, int j) {
      double value = -a[j];
      for (int i = 0; i <= j; i++) {
        value += b[i] * products[j * hostCapacity + i];
      }
      return value;
    }

    private Iterate backtrack(
        Iterate current,
        NDArray direction,
        Iterate next,
        UnaryOperator<NDArray> f,
        double[] scale) {
      double[] before = lastAbsolute;
      for (int attempt = 0; attempt < MAX_BACKTRACKS; attempt++) {
        double[] after = HostValues.sampleNorms(next.fz().sub(next.z()), sampleAxes);
        boolean retry = false;
        for (int i = 0; i < batch; i++) {
          boolean sufficient = after[i] <= (1 - ARMIJO * scale[i]) * before[i];
          if (!sufficient) {
            scale[i] /= 2;
            retry = true;
          }
        }
        if (!retry) {
          break;
        }
        next = Iterate.evaluate(current.z().add(direction.mul(perSample(scale, direction))), f);
      }
      return next;
    }

    /** {@code values} as a (batch, 1, …) array that scales each sample of {@code like}. */
    private NDArray perSample(double[] values, NDArray like) {
      long[] shape = new long[like.getShape().dimension()];
      Arrays.fill(shape, 1);
      shape[0] = batch;
      return like.getManager()
          .create(values, new Shape(shape))
          .toType(like.getDataType(), false)
          .toDevice(like.getDevice(), false);
    }

    private void allocateHost(int capacity) {
      double[][] oldGram = gram;
      double[][] oldProducts = residualProducts;
      double[][] oldLengths = stepLengths;
      boolean[][] oldTaken = updated;
      int old = hostCapacity;
      gram = new double[batch][capacity * capacity];
      residualProducts = new double[batch][capacity];
      stepLengths = new double[batch][capacity];
      updated = new boolean[batch][capacity];
      if (oldGram != null) {
        for (int s = 0; s < batch; s++) {
          for (int i = 0; i < old; i++) {
            System.arraycopy(oldGram[s], i * old, gram[s], i * capacity, old);
          }
          System.arraycopy(oldProducts[s], 0, residualProducts[s], 0, old);
          System.arraycopy(oldLengths[s], 0, stepLengths[s], 0, old);
          System.arraycopy(oldTaken[s], 0, updated[s], 0, old);
        }
      }
      hostCapacity = capacity;
    }
  }
}
