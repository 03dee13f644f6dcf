package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Hands a cell its parameters cut off from the autograd graph. Used when a graph is recorded only
 * to take vector–Jacobian products with respect to the state (the implicit backward solve, the
 * Jacobian probes): with attached parameters, every one of those products would also accumulate a
 * spurious gradient on the parameters.
 */
public final class DetachedParameterStore extends ParameterStore {

  public DetachedParameterStore(NDManager manager) {
    super(manager, false);
  }

  @Override
  public NDArray getValue(Parameter parameter, Device device, boolean training) {
    return super.getValue(parameter, device, training).stopGradient();
  }
}
