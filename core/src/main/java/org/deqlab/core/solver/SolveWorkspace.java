package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Owns the arrays that outlive one iteration of a solve (iterates, history buffers). Every
 * iteration runs in its own {@link NDScope} so its temporaries are freed when it ends; arrays that
 * must survive are {@link #keep kept} here and {@link #release released} as soon as they are
 * replaced, so a solve's native memory stays flat however many iterations it runs.
 */
final class SolveWorkspace implements AutoCloseable {
  private final Set<NDArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Takes an array out of the current iteration scope; it lives until released or closed. */
  NDArray keep(NDArray array) {
    NDScope.unregister(array);
    kept.add(array);
    return array;
  }

  Iterate keep(Iterate iterate) {
    keep(iterate.z());
    keep(iterate.fz());
    keep(iterate.residual());
    return iterate;
  }

  /** Frees a kept array now. */
  void release(NDArray array) {
    if (array != null && kept.remove(array)) {
      array.close();
    }
  }

  void release(Iterate iterate) {
    if (iterate != null) {
      release(iterate.z());
      release(iterate.fz());
      release(iterate.residual());
    }
  }

  @Override
  public void close() {
    for (NDArray array : kept) {
      array.close();
    }
    kept.clear();
  }
}
