package org.deqlab.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import org.deqlab.core.cell.Cell;

/**
 * A cell with the input it is studied on, whichever way it came in (an MLP {@code .npz}, a random
 * MLP, a user's TorchScript module): what {@code ./deq solve}, {@code probe} and {@code bench} work
 * on. Closing it frees what the problem holds beyond its manager's arrays.
 */
public interface DeqProblem extends AutoCloseable {

  /** The cell f. */
  Cell cell();

  /** The input x. */
  NDArray x();

  /** Where the problem came from, for reports. */
  String source();

  /** The cell's parameters under the names their source gives them (W, U, b; W.weight, …). */
  PairList<String, Parameter> namedParameters();

  @Override
  default void close() {}
}
