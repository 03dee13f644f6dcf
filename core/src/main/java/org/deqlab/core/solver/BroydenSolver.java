package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * Broyden's "good" method on {@code g(z) = f(z) − z}, as in the DEQ paper: the inverse Jacobian of
 * g is approximated by {@code H = −I + U Vᵀ} and refined after each step with the Sherman–Morrison
 * rank-one update {@code u = (Δz − H Δg) / (vᵀΔg)}, {@code vᵀ = Δzᵀ H}; the step is {@code −H g}.
 * Each sample has its own U and V (batched matrix products). The history buffers start small and
 * grow with the iterations actually used, never to the iteration threshold up front.
 *
 * <p>Limited memory: after {@code broydenMemory} updates the approximation restarts from {@code
 * H = −I}. Overwriting only the oldest update (as some reference code does) leaves the later
 * updates, which were derived through it, inconsistent; on a 32-dimensional affine test with
 * memory 6 that variant diverged where restarting converges.
 *
 * <p>With {@code lineSearch} a sample whose residual does not decrease enough under the full step
 * backtracks (halving its step, at most {@value #MAX_BACKTRACKS} times).
 */
public final class BroydenSolver extends FixedPointSolver {
  static final BroydenSolver INSTANCE = new BroydenSolver();

  private static final int INITIAL_CAPACITY = 8;
  private static final int MAX_BACKTRACKS = 4;
  private static final double ARMIJO = 1e-4;
  private static final double TINY_DENOMINATOR = 1e-30;

  private BroydenSolver() {}

  @Override
  public SolverKind kind() {
    return SolverKind.BROYDEN;
  }

  @Override
  UpdateRule newRule(SolverOptions options, SolveWorkspace workspace, Iterate first) {
    return new Rule(options, workspace, first);
  }

  private static final class Rule implements UpdateRule {
    private final SolveWorkspace workspace;
    private final int maxCapacity;
    private final boolean lineSearch;
    private NDArray us; // (batch, capacity, dim): rows u_iᵀ
    private NDArray vts; // (batch, capacity, dim): rows v_iᵀ
    private int capacity;
    private int stored;
    private Iterate previous;

    Rule(SolverOptions options, SolveWorkspace workspace, Iterate first) {
      this.workspace = workspace;
      this.maxCapacity = Math.min(options.broydenMemory(), options.maxIterations());
      this.lineSearch = options.lineSearch();
      allocate(first.z(), Math.min(INITIAL_CAPACITY, maxCapacity));
    }

    @Override
    public boolean keepsPrevious() {
      return true;
    }

    @Override
    public Iterate next(Iterate current, UnaryOperator<NDArray> f) {
      if (previous != null) {
        learn(current.z().sub(previous.z()), current.residual().sub(previous.residual()));
      }
      previous = current;
      NDArray step = applyInverse(current.residual()).neg();
      Iterate next = Iterate.evaluate(current.z().add(step), f);
      return lineSearch ? backtrack(current, step, next, f) : next;
    }

    /** Sherman–Morrison update from one secant pair (Δz, Δg). */
    private void learn(NDArray dz, NDArray dg) {
      NDArray vt = applyInverseTransposed(dz);
      NDArray denominator = vt.mul(dg).sum(new int[] {1}, true);
      // A vanishing denominator makes the update meaningless: divide by +∞ instead, giving u = 0.
      NDArray degenerate = denominator.abs().lt(TINY_DENOMINATOR);
      NDArray safe = NDArrays.where(degenerate, denominator.onesLike().mul(Double.POSITIVE_INFINITY),
          denominator);
      NDArray u = dz.sub(applyInverse(dg)).div(safe);
      if (stored == maxCapacity) {
        stored = 0; // restart from H = −I; the buffers are overwritten from the first column
        return;
      }
      if (stored == capacity) {
        grow(Math.min(capacity * 2, maxCapacity));
      }
      int slot = stored++;
      NDIndex row = new NDIndex().addAllDim().addIndices(slot);
      us.set(row, u);
      vts.set(row, vt);
    }

    /** {@code H x = −x + U (Vᵀ x)}, with U and V stored as rows. */
    private NDArray applyInverse(NDArray x) {
      return lowRank(window(us), window(vts), x);
    }

    /** {@code Hᵀ x = −x + V (Uᵀ x)}, i.e. the row vector {@code xᵀ H}. */
    private NDArray applyInverseTransposed(NDArray x) {
      return lowRank(window(vts), window(us), x);
    }

    /** {@code −x + Aᵀ (B x)} per sample, for row-stored A and B of shape (batch, k, dim). */
    private NDArray lowRank(NDArray a, NDArray b, NDArray x) {
      if (stored == 0) {
        return x.neg();
      }
      long batch = x.getShape().get(0);
      NDArray coefficients = x.expandDims(1).batchMatMul(b.transpose(0, 2, 1)); // (batch, 1, k)
      return coefficients.batchMatMul(a).reshape(batch, -1).sub(x);
    }

    private NDArray window(NDArray buffer) {
      return stored == capacity ? buffer : buffer.get(new NDIndex().addAllDim().addSliceDim(0, stored));
    }

    private Iterate backtrack(Iterate current, NDArray step, Iterate next, UnaryOperator<NDArray> f) {
      int batch = (int) step.getShape().get(0);
      double[] before = norms(current.residual());
      double[] scale = new double[batch];
      java.util.Arrays.fill(scale, 1.0);
      for (int attempt = 0; attempt < MAX_BACKTRACKS; attempt++) {
        double[] after = norms(next.residual());
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
        NDArray scales =
            step.getManager().create(scale).toType(step.getDataType(), false)
                .toDevice(step.getDevice(), false).reshape(batch, 1);
        next = Iterate.evaluate(current.z().add(step.mul(scales)), f);
      }
      return next;
    }

    private static double[] norms(NDArray residual) {
      return residual.norm(new int[] {1}).toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private void allocate(NDArray like, int newCapacity) {
      Shape flat = like.getShape();
      us = workspace.keep(like.getManager().zeros(new Shape(flat.get(0), newCapacity, flat.get(1)),
          like.getDataType(), like.getDevice()));
      vts = workspace.keep(like.getManager().zeros(new Shape(flat.get(0), newCapacity, flat.get(1)),
          like.getDataType(), like.getDevice()));
      capacity = newCapacity;
    }

    private void grow(int newCapacity) {
      NDArray oldUs = us;
      NDArray oldVts = vts;
      Shape flat = oldVts.getShape();
      int added = newCapacity - capacity;
      NDArray moreUs = oldUs.getManager().zeros(new Shape(flat.get(0), added, flat.get(2)),
          oldUs.getDataType(), oldUs.getDevice());
      NDArray moreVts = oldVts.getManager().zeros(new Shape(flat.get(0), added, flat.get(2)),
          oldVts.getDataType(), oldVts.getDevice());
      us = workspace.keep(NDArrays.concat(new NDList(oldUs, moreUs), 1));
      vts = workspace.keep(NDArrays.concat(new NDList(oldVts, moreVts), 1));
      capacity = newCapacity;
      workspace.release(oldUs);
      workspace.release(oldVts);
    }
  }
}
