package org.deqlab.core.memory;

import org.deqlab.core.experiment.LayerKind;

/**
 * The measured cost of one training step of a cell used one way.
 *
 * @param layer the DEQ, or an unrolled stack of {@code depth}
 * @param depth L of the unrolled stack (0 for the DEQ)
 * @param length sequence length T of the batch
 * @param keptBytes resident memory added by the forward pass and held until the backward pass — the
 *     tensors kept for backward — less the solver's buffers ({@code workspaceBytes})
 * @param workspaceBytes the solver's buffers (Broyden's or Anderson's history) that the forward
 *     solve leaves for the adjoint solve and the next step to reuse (0 for unrolled); they count in
 *     the peak
 * @param peakBytes peak resident memory of the whole step above the pre-step level, solver
 *     workspace included
 * @param forwardMillis forward time (the solve, for the DEQ)
 * @param backwardMillis backward time (the adjoint solve, for the DEQ)
 * @param forwardSteps forward solver steps (0 for unrolled)
 * @param loss the step's loss
 * @param gradientDifference ‖g − g_DEQ‖ / ‖g_DEQ‖ over all cell parameters (0 for the DEQ itself)
 */
public record MemoryPoint(
    LayerKind layer,
    int depth,
    int length,
    long keptBytes,
    long workspaceBytes,
    long peakBytes,
    double forwardMillis,
    double backwardMillis,
    int forwardSteps,
    double loss,
    double gradientDifference) {

  public double keptMegabytes() {
    return keptBytes / 1048576.0;
  }

  public double workspaceMegabytes() {
    return workspaceBytes / 1048576.0;
  }

  public double peakMegabytes() {
    return peakBytes / 1048576.0;
  }
}
