package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * Anderson acceleration (type II, as in the DEQ reference code): the next iterate mixes the last m
 * images {@code f(z_i)} with weights α that minimise {@code ‖Σ α_i g(z_i)‖² + λ‖α‖²} subject to
 * {@code Σ α_i = 1}, per sample. With {@code G} the (m × dim) residual history, {@code α ∝ (G Gᵀ +
 * λ' I)⁻¹ 1} and {@code z ← β αᵀF + (1−β) αᵀX = αᵀF − (1−β) αᵀG} (since X = F − G).
 *
 * <p>λ' = λ · (mean squared residual in the window), so the ridge keeps its relative weight as the
 * residual shrinks instead of degrading the mixing to a plain average near convergence.
 *
 * <p>Per iteration: f(z) and g(z) are written into their ring slots in place, one batched product
 * gives the new row of {@code G Gᵀ} (whose diagonal entry is ‖g‖², the residual the stop test
 * needs), and one more the mixed iterate. The m × m Gram matrices live on the host, updated by that
 * row, and the tiny systems are solved there: one transfer per iteration each way.
 */
public final class AndersonSolver extends FixedPointSolver {
  static final AndersonSolver INSTANCE = new AndersonSolver();

  /** Keeps the mixing system invertible when a residual history is exactly zero. */
  private static final double RIDGE_FLOOR = 1e-30;

  private AndersonSolver() {}

  @Override
  public SolverKind kind() {
    return SolverKind.ANDERSON;
  }

  @Override
  UpdateRule newRule(SolverOptions options, SolveScope scope, Iterate first) {
    return new Rule(options, scope, first);
  }

  private static final class Rule implements UpdateRule {
    private final int capacity;
    private final double lambda;
    private final double beta;
    private final int batch;
    private final int[] sampleAxes;
    private final History images;
    private final History residuals;
    private final double[][] gram;
    private final SolveScope scope;
    private int stored;

    Rule(SolverOptions options, SolveScope scope, Iterate first) {
      capacity = Math.min(options.andersonMemory(), options.maxIterations());
      lambda = options.andersonRegularization();
      beta = options.andersonMixing();
      batch = (int) first.z().getShape().get(0);
      sampleAxes = HostValues.sampleAxes(first.z().getShape());
      this.scope = scope;
      images = scope.history(first.z(), capacity, true);
      residuals = scope.history(first.z(), capacity, true);
      gram = new double[batch][capacity * capacity];
    }

    @Override
    public Residuals measure(Iterate current) {
      int slot = stored % capacity;
      images.assign(slot, current.fz());
      residuals.assignDifference(slot, current.fz(), current.z());
      int used = Math.min(stored + 1, capacity);
      double[] row = HostValues.of(residuals.products(slot, 1, used)); // (batch, 1, used)
      double[] absolute = new double[batch];
      for (int s = 0; s < batch; s++) {
        double[] g = gram[s];
        for (int j = 0; j < used; j++) {
          double value = row[s * used + j];
          g[slot * capacity + j] = value;
          g[j * capacity + slot] = value;
        }
        absolute[s] = Math.sqrt(Math.abs(row[s * used + slot]));
      }
      return new Residuals(absolute, HostValues.sampleNorms(current.fz(), sampleAxes));
    }

    @Override
    public boolean readsImageInNext() {
      return false; // f(z) is in the history already
    }

    @Override
    public Iterate next(Iterate current, UnaryOperator<NDArray> f) {
      stored++;
      int n = Math.min(stored, capacity);
      double[] weights = new double[batch * n];
      for (int sample = 0; sample < batch; sample++) {
        mixingWeights(gram[sample], n, weights, sample * n);
      }
      NDArray mixed = images.combine(images.coefficients(weights, n), n);
      if (beta != 1.0) {
        mixed = mixed.sub(residuals.combine(residuals.coefficients(weights, n), n).mul(1 - beta));
      }
      scope.release(current.z()); // z = f(z) − g(z), both in the history, if needed again
      return Iterate.evaluate(mixed, f);
    }

    /** With one slot the next measure overwrites the previous iterate's f and g. */
    @Override
    public boolean rebuildsPreviousIterate() {
      return capacity > 1;
    }

    @Override
    public NDArray previousIterate(Iterate current) {
      int slot = (stored - 1) % capacity;
      return images.rowMinus(slot, residuals);
    }

    /**
     * α = a / Σa with (GGᵀ + λ'I) a = 1 over the first n slots, by Gaussian elimination with
     * partial pivoting.
     */
    private void mixingWeights(double[] g, int n, double[] out, int outOffset) {
      double trace = 0;
      for (int i = 0; i < n; i++) {
        trace += g[i * capacity + i];
      }
      double ridge = lambda * trace / n + RIDGE_FLOOR;
      double[][] m = new double[n][n + 1];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          m[i][j] = g[i * capacity + j] + (i == j ? ridge : 0);
        }
        m[i][n] = 1;
      }
      for (int col = 0; col < n; col++) {
        int pivot = col;
        for (int r = col + 1; r < n; r++) {
          if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
            pivot = r;
          }
        }
        double[] swap = m[col];
        m[col] = m[pivot];
        m[pivot] = swap;
        for (int r = col + 1; r < n; r++) {
          double factor = m[r][col] / m[col][col];
          for (int c = col; c <= n; c++) {
            m[r][c] -= factor * m[col][c];
          }
        }
      }
      double sum = 0;
      double[] a = new double[n];
      for (int r = n - 1; r >= 0; r--) {
        double value = m[r][n];
        for (int c = r + 1; c < n; c++) {
          value -= m[r][c] * a[c];
        }
        a[r] = value / m[r][r];
        sum += a[r];
      }
      boolean finite = Double.isFinite(sum) && sum != 0;
      for (int i = 0; i < n; i++) {
        // A singular window (NaN residuals) falls back to the newest image alone.
        out[outOffset + i] = finite ? a[i] / sum : (i == (stored - 1) % capacity ? 1 : 0);
      }
    }
  }
}
