package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
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
 * <p>Histories are the exception: they own their arrays and outlive the solve when it ends well,
 * going back to their pool for the next solve ({@link #recycleHistories}).
 */
final class SolveScope implements AutoCloseable {
  private final Map<NDArray, Integer> references = new IdentityHashMap<>();
  private final List<History> histories = new ArrayList<>();
  private boolean recycle;

  /** A history for this solve (see {@link History#acquire}), recycled or freed when it closes. */
  History history(NDArray like, int capacity, boolean pooled) {
    History history = History.acquire(like, capacity, pooled);
    histories.add(history);
    return history;
  }

  /**
   * The solve ended with finite values in its histories: on close they go back to the pool instead
   * of being freed. (A non-finite row would break their in-place assignment.)
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
        history.recycle();
      } else {
        history.discard();
      }
    }
    histories.clear();
  }
}
