package org.deqlab.core.cell;

import ai.djl.ndarray.types.Shape;

/**
 * {@link MlpCell} ({@code tanh(z Wᵀ + x Uᵀ + b)}, d = 6, p = 4, B = 3) on a tiny float64 instance:
 * the contract of every cell.
 */
class MlpCellTest extends CellContract {

  @Override
  protected Cell newCell() {
    return new MlpCell(6, 4, Activation.TANH, 0.4);
  }

  @Override
  protected Shape inputShape() {
    return new Shape(3, 4);
  }
}
