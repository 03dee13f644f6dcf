package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * A solver's per-sample history of state-sized vectors, stored as the rows of one {@code (batch,
 * capacity, dim)} tensor so that every product with the history is one batched matrix product: the
 * inner products of a few rows with all rows ({@link #products}), and a combination of the rows
 * with per-sample coefficients ({@link #combine}).
 *
 * <p>Written in place: a row is assigned through a cached view, never by building a new buffer, and
 * the views (rows in the state's shape, bands of adjacent rows, the transpose) are made once;
 * products and combinations read only the rows in use. Rows are overwritten only while they hold
 * finite values (a solve that meets a non-finite residual discards its histories), which makes
 * {@code row − row} an exact zero for the in-place assignment.
 *
 * <p>Reused across solves: a finished solve hands its histories back to the caller's {@link
 * SolverWorkspace}, and the next solve of the same state shape takes one back with its views,
 * instead of allocating the buffer and re-creating a view per row — a training step's forward and
 * adjoint solves share the same buffer. The arrays live in a manager of the history's own (under
 * the workspace's), so they outlive the caller's per-step managers; what a history computes for the
 * caller (combinations, rebuilt iterates) is attached to the current solve's manager instead.
 *
 * <p>Layout choice, measured on the 2-core CPU with PyTorch 2.7.1: a batched product is fast when
 * the left factor has one or two rows ({@code (b,1,k)×(b,k,d)} or {@code (b,2,d)×(b,d,k)}) and
 * several times slower with the history on the left, so both products keep it on the right.
 */
final class History {
  private final NDManager owner;
  private final Shape stateShape;
  private final long batch;
  private final long dim;
  private final DataType dataType;
  private final boolean pooled;

  /** The current solve's manager: what the history computes for the caller is attached there. */
  private NDManager home;

  private NDArray rows;
  private NDArray[] rowViews;
  private Window[] windows;
  private final Map<Long, NDArray> bands = new HashMap<>();
  private float[] floatScratch;
  private int capacity;

  /**
   * A history of {@code capacity} zero rows for states like {@code like}, whose arrays live in
   * {@code owner} (which {@link #discard} closes); {@code pooled} if it may serve later solves.
   */
  History(NDManager owner, NDArray like, int capacity, boolean pooled) {
    this.owner = owner;
    this.stateShape = like.getShape();
    this.batch = stateShape.get(0);
    this.dim = stateShape.size() / batch;
    this.dataType = like.getDataType();
    this.pooled = pooled;
    this.rows =
        persistent(owner.zeros(new Shape(batch, capacity, dim), dataType, like.getDevice()));
    this.capacity = capacity;
    resetViews();
  }

  /** Serves a solve whose arrays belong to {@code solveManager} (null: idle). */
  void startSolve(NDManager solveManager) {
    home = solveManager;
  }

  boolean fits(NDArray like, int rowsNeeded) {
    return capacity >= rowsNeeded && sameStates(like) && !isReleased();
  }

  boolean sameStates(NDArray like) {
    return stateShape.equals(like.getShape())
        && dataType == like.getDataType()
        && rows.getDevice().equals(like.getDevice());
  }

  /** Whether this history may serve a later solve. */
  boolean pooled() {
    return pooled;
  }

  /** Whether its buffer is gone (freed with the manager it lives in). */
  boolean isReleased() {
    return rows.isReleased();
  }

  /** Bytes of its buffer. */
  long bytes() {
    return isReleased() ? 0 : batch * capacity * dim * dataType.getNumOfBytes();
  }

  /** Frees the buffer and its views. */
  void discard() {
    owner.close();
  }

  int capacity() {
    return capacity;
  }

  /** Row {@code i} as a view in the state's shape (writes go to the history). */
  NDArray row(int i) {
    NDArray view = rowViews[i];
    if (view == null) {
      NDArray flat = rows.get(new NDIndex().addAllDim().addIndices(i));
      view = persistent(flat.reshape(stateShape));
      flat.close();
      rowViews[i] = view;
    }
    return view;
  }

  /** {@code row_i ← source}. */
  void assign(int i, NDArray source) {
    NDArray view = row(i);
    view.subi(view).addi(source);
  }

  /** {@code row_i ← a − b}. */
  void assignDifference(int i, NDArray a, NDArray b) {
    NDArray view = row(i);
    view.subi(view).addi(a).subi(b);
  }

  /**
   * {@code ⟨row_{first+r}, row_j⟩} for r &lt; count and j &lt; used, shaped (batch, count, used):
   * the cost grows with the rows in use, not with the capacity.
   */
  NDArray products(int first, int count, int used) {
    return band(first, count).batchMatMul(window(used).transposed);
  }

  /**
   * What {@link #products}{@code (first, count, used + 1)} would give if {@code vector} were row
   * {@code used} (with {@code first + count − 1 == used}), without writing it there: flattened
   * (batch, count, used + 1) on the host.
   */
  double[] productsWith(NDArray vector, int first, int count, int used) {
    int columns = used + 1;
    double[] out = new double[(int) batch * count * columns];
    NDArray flat = vector.reshape(new Shape(batch, 1, dim));
    double[] squared = HostValues.of(flat.batchMatMul(flat.transpose(0, 2, 1))); // (batch, 1, 1)
    double[] againstRows =
        HostValues.of(flat.batchMatMul(window(used).transposed)); // (batch, 1, used)
    double[] band =
        count == 1
            ? new double[0]
            : HostValues.of(products(first, count - 1, used)); // (batch, count − 1, used)
    for (int s = 0; s < batch; s++) {
      int base = s * count * columns;
      for (int r = 0; r < count - 1; r++) {
        System.arraycopy(band, (s * (count - 1) + r) * used, out, base + r * columns, used);
        out[base + r * columns + used] = againstRows[s * used + first + r];
      }
      System.arraycopy(againstRows, s * used, out, base + (count - 1) * columns, used);
      out[base + (count - 1) * columns + used] = squared[s];
    }
    return out;
  }

  /**
   * {@code Σ_{j<used} c_j row_j} per sample, in the state's shape; {@code coefficients} is (batch,
   * 1, used), as {@link #coefficients} makes it.
   */
  NDArray combine(NDArray coefficients, int used) {
    NDArray product = coefficients.batchMatMul(window(used).rows);
    NDArray combined = product.reshape(stateShape);
    combined.attach(home);
    product.close();
    return combined;
  }

  /** {@code row_i − other.row_i}, a new array of the caller's. */
  NDArray rowMinus(int i, History other) {
    NDArray difference = row(i).sub(other.row(i));
    difference.attach(home);
    return difference;
  }

  /**
   * Per-sample coefficients on the device, laid out as {@link #combine} expects: {@code values[s *
   * used + j]} weights row j of sample s. Written into an array kept for the solve (one per window
   * size), so uploading costs a copy and no allocation.
   */
  NDArray coefficients(double[] values, int used) {
    Window window = window(used);
    if (dataType == DataType.FLOAT32) {
      if (floatScratch == null || floatScratch.length != values.length) {
        floatScratch = new float[values.length];
      }
      for (int i = 0; i < values.length; i++) {
        floatScratch[i] = (float) values[i];
      }
      window.coefficients().set(floatScratch);
      return window.coefficients;
    }
    if (dataType == DataType.FLOAT64) {
      window.coefficients().set(values);
      return window.coefficients;
    }
    return home.create(values, new Shape(batch, 1, used))
        .toType(dataType, false)
        .toDevice(rows.getDevice(), false);
  }

  /** Grows to {@code newCapacity} rows, keeping the rows written so far. */
  void grow(int newCapacity) {
    if (newCapacity <= capacity) {
      return;
    }
    NDArray larger =
        persistent(owner.zeros(new Shape(batch, newCapacity, dim), dataType, rows.getDevice()));
    try (NDArray head = larger.get(new NDIndex().addAllDim().addSliceDim(0, capacity))) {
      head.addi(rows);
    }
    releaseViews();
    rows.close();
    rows = larger;
    capacity = newCapacity;
    resetViews();
  }

  private NDArray band(int first, int count) {
    long key = (long) first * 1024 + count;
    NDArray view = bands.get(key);
    if (view == null) {
      view = persistent(rows.get(new NDIndex().addAllDim().addSliceDim(first, first + count)));
      bands.put(key, view);
    }
    return view;
  }

  /** The first {@code used} rows, their transpose and a coefficient array, made once per size. */
  private Window window(int used) {
    Window window = windows[used];
    if (window == null) {
      NDArray first =
          used == capacity
              ? rows
              : persistent(rows.get(new NDIndex().addAllDim().addSliceDim(0, used)));
      window = new Window(first, persistent(first.transpose(0, 2, 1)), used);
      windows[used] = window;
    }
    return window;
  }

  private final class Window {
    final NDArray rows;
    final NDArray transposed;
    final int used;
    NDArray coefficients;

    Window(NDArray rows, NDArray transposed, int used) {
      this.rows = rows;
      this.transposed = transposed;
      this.used = used;
    }

    NDArray coefficients() {
      if (coefficients == null) {
        coefficients =
            persistent(
                owner.zeros(new Shape(batch, 1, used), dataType, History.this.rows.getDevice()));
      }
      return coefficients;
    }

    void release() {
      if (rows != History.this.rows) {
        rows.close();
      }
      transposed.close();
      if (coefficients != null) {
        coefficients.close();
      }
    }
  }

  private void resetViews() {
    rowViews = new NDArray[capacity];
    windows = new Window[capacity + 1];
    bands.clear();
  }

  /** Takes an array of the history's out of the caller's scope: it lives as long as the history. */
  private static NDArray persistent(NDArray array) {
    NDScope.unregister(array);
    return array;
  }

  private void releaseViews() {
    for (NDArray view : rowViews) {
      if (view != null) {
        view.close();
      }
    }
    for (NDArray view : bands.values()) {
      view.close();
    }
    for (Window window : windows) {
      if (window != null) {
        window.release();
      }
    }
  }
}
