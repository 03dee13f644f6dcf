package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * Anderson acceleration (type II, as in the DEQ reference code): the next iterate mixes the last
 * m images {@code f(z_i)} with weights α that minimise {@code ‖Σ α_i g(z_i)‖² + λ‖α‖²} subject to
 * {@code Σ α_i = 1}, per sample. With {@code G} the (m × dim) residual history, {@code α ∝ (G Gᵀ
 * + λ' I)⁻¹ 1} and {@code z ← β αᵀF + (1−β) αᵀX = αᵀF − (1−β) αᵀG} (since X = F − G).
 *
 * <p>λ' = λ · (mean squared residual in the window), so the ridge keeps its relative weight as the
 * residual shrinks instead of degrading the mixing to a plain average near convergence.
 *
 * <p>Only F and G are stored (G rows are the residuals the loop computes anyway), and the m × m
 * systems are solved on the host: they are tiny, and one transfer is cheaper than a batched
 * inverse on the device.
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
  UpdateRule newRule(SolverOptions options, SolveWorkspace workspace, Iterate first) {
    return new Rule(options, workspace, first);
  }

  private static final class Rule implements UpdateRule {
    private final int capacity;
    private final double lambda;
    private final double beta;
    private final NDArray images;
    private final NDArray residuals;
    private int stored;

    Rule(SolverOptions options, SolveWorkspace workspace, Iterate first) {
      capacity = Math.min(options.andersonMemory(), options.maxIterations());
      lambda = options.andersonRegularization();
      beta = options.andersonMixing();
      Shape flat = first.z().getShape();
      Shape history = new Shape(flat.get(0), capacity, flat.get(1));
      images = workspace.keep(first.z().getManager().zeros(history, first.z().getDataType(),
          first.z().getDevice()));
      residuals = workspace.keep(first.z().getManager().zeros(history, first.z().getDataType(),
          first.z().getDevice()));
    }

    @Override
    public Iterate next(Iterate current, UnaryOperator<NDArray> f) {
      NDIndex slot = new NDIndex().addAllDim().addIndices(stored % capacity);
      images.set(slot, current.fz());
      residuals.set(slot, current.residual());
      stored++;
      int n = Math.min(stored, capacity);
      NDIndex window = new NDIndex().addAllDim().addSliceDim(0, n);
      NDArray fx = n == capacity ? images : images.get(window);
      NDArray g = n == capacity ? residuals : residuals.get(window);

      int batch = (int) g.getShape().get(0);
      double[] gram = g.batchMatMul(g.transpose(0, 2, 1)).toType(DataType.FLOAT64, false).toDoubleArray();
      double[] weights = new double[batch * n];
      for (int sample = 0; sample < batch; sample++) {
        mixingWeights(gram, sample * n * n, n, weights, sample * n);
      }
      NDArray alpha = g.getManager().create(weights, new Shape(batch, 1, n))
          .toType(g.getDataType(), false).toDevice(g.getDevice(), false);
      NDArray mixed = alpha.batchMatMul(fx).reshape(batch, -1);
      if (beta != 1.0) {
        mixed = mixed.sub(alpha.batchMatMul(g).reshape(batch, -1).mul(1 - beta));
      }
      return Iterate.evaluate(mixed, f);
    }

    /** α = a / Σa with (GGᵀ + λ'I) a = 1, by Gaussian elimination with partial pivoting. */
    private void mixingWeights(double[] gram, int offset, int n, double[] out, int outOffset) {
      double trace = 0;
      for (int i = 0; i < n; i++) {
        trace += gram[offset + i * n + i];
      }
      double ridge = lambda * trace / n + RIDGE_FLOOR;
      double[][] m = new double[n][n + 1];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          m[i][j] = gram[offset + i * n + j] + (i == j ? ridge : 0);
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
