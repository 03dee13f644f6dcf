package org.deqlab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.data.Batch;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.IterationListener;

/**
 * A complete model around one weight-tied cell: an input encoder that produces x, an equilibrium
 * layer (DEQ or unrolled — chosen per call so pretraining and live settings can swap it), and a
 * decoder with its loss. The block holds every parameter, for optimizers and checkpoints.
 */
public interface TaskModel {

  /** The block holding all parameters (encoder, cell, decoder). */
  Block block();

  /** The weight-tied cell. */
  Cell cell();

  /**
   * Runs the model on a batch.
   *
   * @param training build the gradient path (the loss is then recorded)
   */
  Output forward(
      ParameterStore parameters,
      Batch batch,
      EquilibriumLayer layer,
      boolean training,
      IterationListener listener);

  /**
   * What one forward run produced.
   *
   * @param loss the mean loss (scalar; recorded when training)
   * @param pass the equilibrium layer's pass (its backward must be completed after the loss's)
   * @param correct correctly predicted scored positions (or examples)
   * @param scored scored positions (or examples)
   * @param tokens positions contributing to the loss
   */
  record Output(NDArray loss, LayerPass pass, long correct, long scored, long tokens) {}
}
