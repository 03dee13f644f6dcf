package org.deqlab.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deqlab.core.engine.Autograd;

/**
 * Adam with bias correction, global-norm gradient clipping and a learning rate given per step.
 * Written here rather than taken from DJL so that its moment estimates can be saved in a checkpoint
 * and restored exactly, and so that the learning rate can change live between steps.
 */
public final class AdamOptimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private int step;

  public AdamOptimizer(double beta1, double beta2, double epsilon, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /** Updates taken so far. */
  public int step() {
    return step;
  }

  /**
   * Rescales all gradients so that their joint L2 norm is at most {@code maxNorm} (no-op for {@code
   * maxNorm ≤ 0}); returns the norm before clipping.
   */
  public static double clipGradients(PairList<String, Parameter> parameters, double maxNorm) {
    double squared = 0;
    for (Parameter parameter : parameters.values()) {
      try (NDArray gradient = parameter.getArray().getGradient()) {
        squared +=
            gradient
                .square()
                .sum()
                .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                .getDouble();
      }
    }
    double norm = Math.sqrt(squared);
    if (maxNorm > 0 && norm > maxNorm) {
      double scale = maxNorm / (norm + 1e-12);
      for (Parameter parameter : parameters.values()) {
        try (NDArray gradient = parameter.getArray().getGradient()) {
          gradient.muli(scale);
        }
      }
    }
    return norm;
  }

  /**
   * Applies one update to every parameter from its accumulated gradient, then zeroes it. The
   * parameters are keyed by their path in the model (stable across runs, unlike DJL's ids), which
   * is what a restored checkpoint matches moments by.
   */
  public void update(PairList<String, Parameter> parameters, double learningRate) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    Autograd.noGrad(
        () -> {
          for (Pair<String, Parameter> entry : parameters) {
            NDArray weight = entry.getValue().getArray();
            try (NDArray gradient = weight.getGradient()) {
              NDArray m = moment(firstMoments, entry.getKey(), weight);
              NDArray v = moment(secondMoments, entry.getKey(), weight);
              m.muli(beta1).addi(gradient.mul(1 - beta1));
              v.muli(beta2).addi(gradient.square().mul(1 - beta2));
              NDArray denominator = v.div(correction2).sqrt().add(epsilon);
              NDArray change = m.div(correction1).div(denominator).mul(learningRate);
              if (weightDecay > 0) {
                change.addi(weight.mul(learningRate * weightDecay));
              }
              weight.subi(change);
            }
            Autograd.zeroGradient(weight);
          }
          return null;
        });
  }

  private static NDArray moment(Map<String, NDArray> moments, String id, NDArray like) {
    return moments.computeIfAbsent(
        id,
        key -> {
          NDArray zeros = like.zerosLike();
          ai.djl.ndarray.NDScope.unregister(zeros); // lives with the model, not the step's scope
          return zeros;
        });
  }

  /** The moment estimates, named {@code m:ID} and {@code v:ID}, for a checkpoint. */
  public NDList state() {
    NDList list = new NDList();
    firstMoments.forEach(
        (id, array) -> {
          array.setName("m:" + id);
          list.add(array);
        });
    secondMoments.forEach(
        (id, array) -> {
          array.setName("v:" + id);
          list.add(array);
        });
    return list;
  }

  /** Restores moments and step count saved by {@link #state()}. */
  public void restore(NDList state, int restoredStep, NDManager manager) {
    firstMoments.clear();
    secondMoments.clear();
    for (NDArray array : state) {
      NDArray copy = array.duplicate();
      copy.attach(manager);
      String name = array.getName();
      if (name.startsWith("m:")) {
        firstMoments.put(name.substring(2), copy);
      } else if (name.startsWith("v:")) {
        secondMoments.put(name.substring(2), copy);
      }
    }
    step = restoredStep;
  }
}
