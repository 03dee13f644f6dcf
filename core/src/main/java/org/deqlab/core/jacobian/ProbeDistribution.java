package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.deqlab.core.text.Labelled;

/**
 * The distribution of the random probe vectors ε of the stochastic estimators. Both have {@code
 * E[εεᵀ] = I}, which is all Hutchinson's identity {@code E‖εᵀJ‖² = ‖J‖²_F} needs. Rademacher (±1
 * entries) has the smaller variance, {@code 2 Σ_{i≠j} (JJᵀ)ᵢⱼ²} against Gaussian's {@code 2
 * ‖JJᵀ‖²_F}, so it is the default; Gaussian probes match what TorchDEQ draws.
 *
 * <p>Probes are drawn by the engine's generator (seed it with {@code Engine.setRandomSeed} for
 * reproducible runs) directly on the device and in the dtype of the array they will perturb.
 */
public enum ProbeDistribution implements Labelled {
  RADEMACHER,
  GAUSSIAN;

  /** A probe shaped like {@code like}, on its device and in its dtype. */
  public NDArray draw(NDArray like) {
    NDManager manager = like.getManager();
    DataType dataType = like.getDataType();
    NDArray gaussian = manager.randomNormal(0f, 1f, like.getShape(), dataType);
    if (!gaussian.getDevice().equals(like.getDevice())) {
      // The manager lives on another device than the array: move once (rare, e.g. a CPU
      // manager holding a GPU view); NDManager's device overload would leak a sub-manager.
      NDArray moved = gaussian.toDevice(like.getDevice(), false);
      gaussian.close();
      gaussian = moved;
    }
    if (this == GAUSSIAN) {
      return gaussian;
    }
    NDArray signs = gaussian.sign(); // the sign of a Gaussian is a Rademacher variable
    gaussian.close();
    return signs;
  }
}
