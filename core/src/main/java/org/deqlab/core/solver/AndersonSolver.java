package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * Anderson acceleration (type II, as in the DEQ reference code): the next iterate mixes the last
 * m images {@code f(z_i)} with weights α that minimise {@code ‖Σ α_i g(z_i)‖² + λ‖α‖²} subject to
 * {@code Σ α_i = 1}, per sample. With {@code G} the (m × dim) residual history, {@code α ∝ (G Gᵀ
 * + λ' I)⁻¹ 1} and {@code z ← β αᵀF + (1−β) αᵀX}.
 *
 * <p>λ' = λ · (mean squared residual in the window), so the ridge keeps its relative weight as the
 * residual shrinks instead of degrading the mixing to a plain average near convergence.
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
    private final NDArray points;
    private final NDArray images;
    private int stored;

    Rule(SolverOptions options, SolveWorkspace workspace, Iterate first) {
      capacity = Math.min(options.andersonMemory(), options.maxIterations());
      lambda = options.andersonRegularization();
      beta = options.andersonMixing();
      Shape flat = first.z().getShape();
      Shape history = new Shape(flat.get(0), capacity, flat.get(1));
      points = workspace.keep(first.z().getManager().zeros(history, first.z().getDataType(),
          first.z().getDevice()));
      images = workspace.keep(first.z().getManager().zeros(history, first.z().getDataType(),
          first.z().getDevice()));
    }

    @Override
    public Iterate next(Iterate current, UnaryOperator<NDArray> f) {
      NDIndex slot = new NDIndex().addAllDim().addIndices(stored % capacity);
      points.set(slot, current.z());
      images.set(slot, current.fz());
      stored++;
      int n = Math.min(stored, capacity);
      NDIndex window = new NDIndex().addAllDim().addSliceDim(0, n);
      NDArray x = n == capacity ? points : points.get(window);
      NDArray fx = n == capacity ? images : images.get(window);

      long batch = x.getShape().get(0);
      NDArray g = fx.sub(x);
      NDArray gram = g.batchMatMul(g.transpose(0, 2, 1));
      NDArray ridge =
          g.square().sum(new int[] {1, 2}).mul(lambda / n).add(RIDGE_FLOOR).reshape(batch, 1, 1);
      NDArray identity = x.getManager().eye(n, n, 0, x.getDataType()).toDevice(x.getDevice(), false);
      NDArray weights = gram.add(identity.mul(ridge)).inverse().sum(new int[] {2});
      NDArray alpha = weights.div(weights.sum(new int[] {1}, true)).expandDims(1);

      NDArray mixed = alpha.batchMatMul(fx).reshape(batch, -1);
      if (beta != 1.0) {
        mixed = mixed.mul(beta).add(alpha.batchMatMul(x).reshape(batch, -1).mul(1 - beta));
      }
      return Iterate.evaluate(mixed, f);
    }
  }
}
