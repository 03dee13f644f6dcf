package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns the arrays that outlive one iteration of a solve (iterates, the lowest iterate, history
 * buffers and their views). Every iteration runs in its own {@link NDScope} so its temporaries are
 * freed when it ends; arrays that must survive are {@link #keep kept} here and {@link #release
 * released} as soon as they are replaced, so a solve's native memory stays flat however long it
 * runs.
 *
 * <p>Kept arrays are reference-counted, so one tensor can serve two roles (a new iterate that is
 * also the lowest one, {@code z ← f(z)} that reuses f's output) without a copy.
 *
 * <p>Histories are the exception: they own their arrays and, when the solve ends well, go back to
 * the caller's {@link SolverWorkspace} for the next solve ({@link #recycleHistories}), together
 * with the history rows the solve needed ({@link #noteRowsNeeded}).
 */
final class SolveScope implements AutoCloseable {
  private final SolverWorkspace workspace;
  private final Map<NDArray, Integer> references = new IdentityHashMap<>();
  private final List<History> histories = new ArrayList<>();
  private final Map<SolverWorkspace.StateKey, Integer> rowsNeeded = new HashMap<>();
  private boolean recycle;

  SolveScope(SolverWorkspace workspace) {
    workspace.requireOpen();
    this.workspace = workspace;
  }

  /**
   * A history for this solve, recycled or freed when it closes: when {@code pooled}, the smallest
   * fitting one the workspace holds (see {@link SolverWorkspace#acquire}), else a new one that no
   * other solve will see.
   */
  History history(NDArray like, int capacity, boolean pooled) {
    History history =
        pooled ? workspace.acquire(like, capacity) : workspace.allocateUnpooled(like, capacity);
    histories.add(history);
    return history;
  }

  /**
   * The rows to allocate for a history of these states: what recent solves of them needed, or
   * {@code fallback}.
   */
  int capacityHint(SolverWorkspace.StateKey states, int fallback) {
    return workspace.capacityHint(states, fallback);
  }

  /** This solve needs {@code rows} history rows (so far) for these states. */
  void noteRowsNeeded(SolverWorkspace.StateKey states, int rows) {
    rowsNeeded.merge(states, rows, Math::max);
  }

  /**
   * The solve ended with finite values in its histories: on close they go back to the workspace
   * instead of being freed. (A non-finite row would break their in-place assignment.)
   */
  void recycleHistories() {
    recycle = true;
  }

  /** Takes an array out of the current iteration scope (or adds a reference to a kept one). */
  NDArray keep(NDArray array) {
    Integer count = references.get(array);
    if (count == null) {
      NDScope.unregister(array);
      references.put(array, 1);
    } else {
      references.put(array, count + 1);
    }
    return array;
  }

  Iterate keep(Iterate iterate) {
    keep(iterate.z());
    keep(iterate.fz());
    return iterate;
  }

  /** Drops one reference; the array is freed when none is left. */
  void release(NDArray array) {
    if (array == null) {
      return;
    }
    Integer count = references.get(array);
    if (count == null) {
      return;
    }
    if (count == 1) {
      references.remove(array);
      array.close();
    } else {
      references.put(array, count - 1);
    }
  }

  void release(Iterate iterate) {
    if (iterate != null) {
      release(iterate.z());
      release(iterate.fz());
    }
  }

  /**
   * Gives a kept array away: the workspace forgets it (whatever its count) and will not free it;
   * later releases of it are no-ops. Used for the equilibrium handed to the caller.
   */
  NDArray handOver(NDArray array) {
    references.remove(array);
    return array;
  }

  @Override
  public void close() {
    for (NDArray array : references.keySet()) {
      array.close();
    }
    references.clear();
    for (History history : histories) {
      if (recycle) {
        workspace.recycle(history);
      } else {
        history.discard();
      }
    }
    histories.clear();
    rowsNeeded.forEach(workspace::recordRowsNeeded);
    rowsNeeded.clear();
  }
}
