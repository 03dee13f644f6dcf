package org.deqlab.core.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.solver.IterationListener;

/**
 * The weight-tied network a DEQ replaces: the cell applied {@code depth} times from z₀ = 0 with
 * ordinary back-propagation, which keeps every intermediate state for the backward pass — the O(L)
 * memory the DEQ avoids.
 */
public final class UnrolledLayer implements EquilibriumLayer {
  private final Cell cell;
  private final int depth;

  public UnrolledLayer(Cell cell, int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("depth (L) must be at least 1, got " + depth);
    }
    this.cell = cell;
    this.depth = depth;
  }

  @Override
  public Cell cell() {
    return cell;
  }

  public int depth() {
    return depth;
  }

  @Override
  public LayerPass forward(
      ParameterStore parameters, NDArray x, boolean training, IterationListener listener) {
    cell.startPass(x, training); // per-pass randomness, shared by every layer of the stack
    NDArray injection = Autograd.recording(training, () -> cell.inject(parameters, x, training));
    NDArray state =
        Autograd.recording(
            training,
            () -> {
              NDArray z = cell.initialState(x);
              for (int layer = 0; layer < depth; layer++) {
                z = cell.apply(parameters, z, injection, training);
              }
              return z;
            });
    return new LayerPass(state, injection, null, null);
  }

  @Override
  public String describe() {
    return "unrolled(L=" + depth + ")";
  }
}
