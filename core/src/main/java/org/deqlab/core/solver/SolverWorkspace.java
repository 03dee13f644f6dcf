package org.deqlab.core.solver;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Solver memory that outlives one solve, owned by the caller: the histories (Anderson's two,
 * Broyden's one) that finished solves leave for the next solve of the same state shape, and how
 * many history rows recent solves of each state shape needed, so that the next one allocates them
 * at once instead of growing (a growth briefly holds the old and the new buffer). Passing one
 * workspace to a run's solves lets a training step's adjoint solve take over the forward solve's
 * buffer, and repeated solves allocate nothing; a solve without a workspace allocates its own and
 * frees it when it ends.
 *
 * <p>The caller decides when the buffers go: {@link #releaseBuffers} frees the idle ones (a {@link
 * org.deqlab.core.layer.DeqLayer} does before the step's final vector–Jacobian product, where
 * memory peaks), {@link #close} frees everything. The buffers live in a sub-manager of the manager
 * the workspace was created with, so closing that manager frees them too.
 *
 * <p>Not thread-safe: like the engine's gradient mode, a workspace belongs to one engine thread.
 */
public final class SolverWorkspace implements AutoCloseable {
  /** Idle histories kept by default: Anderson's two for a forward and an adjoint state shape. */
  public static final int DEFAULT_IDLE_HISTORIES = 6;

  /** State shapes whose row needs are remembered; the least recently used are forgotten. */
  private static final int HINT_ENTRIES = 32;

  private final NDManager parent;
  private final int idleLimit;

  /** Idle histories, most recently recycled first. */
  private final Deque<History> idle = new ArrayDeque<>();

  private final Map<StateKey, RowsNeeded> rowsNeeded =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<StateKey, RowsNeeded> eldest) {
          return size() > HINT_ENTRIES;
        }
      };

  /** Where the histories' arrays live; made at the first history. */
  private NDManager buffers;

  private boolean closed;

  /** A workspace that keeps up to {@value #DEFAULT_IDLE_HISTORIES} idle histories. */
  public SolverWorkspace(NDManager manager) {
    this(manager, DEFAULT_IDLE_HISTORIES);
  }

  /**
   * @param manager the buffers live in a sub-manager of it
   * @param idleHistories how many histories finished solves may leave for later solves (0: none,
   *     every solve allocates its own)
   */
  public SolverWorkspace(NDManager manager, int idleHistories) {
    if (manager == null) {
      throw new IllegalArgumentException("a solver workspace needs a manager for its buffers");
    }
    if (idleHistories < 0) {
      throw new IllegalArgumentException(
          "idleHistories must be 0 or more (0 keeps no buffer between solves), got "
              + idleHistories);
    }
    this.parent = manager;
    this.idleLimit = idleHistories;
  }

  /** How many idle histories this workspace keeps at most. */
  public int idleHistoryLimit() {
    return idleLimit;
  }

  /**
   * Bytes of the histories that finished solves left here for the next solve: the solver's memory
   * between solves, which a memory comparison tells apart from the tensors kept for backward.
   */
  public long bufferBytes() {
    long bytes = 0;
    for (History history : idle) {
      bytes += history.bytes();
    }
    return bytes;
  }

  /**
   * Frees the idle histories, keeping what solves learned about their sizes: the next solve
   * allocates its buffers afresh, at once at the size it will need.
   */
  public void releaseBuffers() {
    while (!idle.isEmpty()) {
      idle.removeFirst().discard();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /** Frees every buffer; the workspace cannot be used afterwards. Closing twice does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    releaseBuffers();
    rowsNeeded.clear();
    if (buffers != null) {
      buffers.close(); // also any history a failed solve did not hand back
      buffers = null;
    }
  }

  /** Idle histories (for tests). */
  int idleHistories() {
    return idle.size();
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException(
          "the solver workspace is closed: create a new one, or solve without one");
    }
  }

  /**
   * A history for states like {@code like} with at least {@code capacity} rows: the smallest
   * fitting idle one, else a new one. Its rows hold finite values from an earlier solve, or zeros.
   */
  History acquire(NDArray like, int capacity) {
    requireOpen();
    History chosen = null;
    for (History history : idle) {
      if (history.fits(like, capacity)
          && (chosen == null || history.capacity() < chosen.capacity())) {
        chosen = history;
      }
    }
    if (chosen != null) {
      idle.remove(chosen);
      chosen.startSolve(like.getManager());
      return chosen;
    }
    // Idle ones of this shape are too small: free them before allocating, not after.
    for (Iterator<History> histories = idle.iterator(); histories.hasNext(); ) {
      History small = histories.next();
      if (small.sameStates(like)) {
        histories.remove();
        small.discard();
      }
    }
    return allocate(like, capacity, true);
  }

  /** A new history that is freed, not kept, when its solve ends. */
  History allocateUnpooled(NDArray like, int capacity) {
    requireOpen();
    return allocate(like, capacity, false);
  }

  private History allocate(NDArray like, int capacity, boolean pooled) {
    if (buffers == null) {
      buffers = parent.newSubManager();
    }
    History history = new History(buffers.newSubManager(like.getDevice()), like, capacity, pooled);
    history.startSolve(like.getManager());
    return history;
  }

  /** Keeps a history whose solve ended well for the next solve, or frees it. */
  void recycle(History history) {
    if (closed || !history.pooled() || history.isReleased() || idleLimit == 0) {
      history.discard();
      return;
    }
    history.startSolve(null);
    idle.addFirst(history);
    while (idle.size() > idleLimit) {
      idle.removeLast().discard();
    }
  }

  /**
   * The rows to allocate for a history of these states: the larger need of the last two solves of
   * them (a training step's forward and adjoint solves, which share the buffer), or {@code
   * fallback} if none was recorded.
   */
  int capacityHint(StateKey states, int fallback) {
    RowsNeeded needed = rowsNeeded.get(states);
    return needed == null ? fallback : Math.max(needed.latest, needed.previous);
  }

  /** A solve of these states needed {@code rows} history rows. */
  void recordRowsNeeded(StateKey states, int rows) {
    if (closed) {
      return;
    }
    RowsNeeded needed = rowsNeeded.computeIfAbsent(states, k -> new RowsNeeded());
    needed.previous = needed.latest;
    needed.latest = rows;
  }

  /** What tells buffers (and their row needs) apart: the state's shape, element type and device. */
  record StateKey(Shape shape, DataType dataType, Device device) {
    static StateKey of(NDArray like) {
      return new StateKey(like.getShape(), like.getDataType(), like.getDevice());
    }
  }

  private static final class RowsNeeded {
    int latest;
    int previous;
  }
}
