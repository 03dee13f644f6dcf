package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvCell} with group norm (2 groups) and tanh on a tiny float64 instance (B=2, one input
 * channel, 5×5 images, 4 state channels): the contract of every cell, plus its own shapes.
 */
class ConvCellTest extends CellContract {

  @Override
  protected Cell newCell() {
    return new ConvCell(new ConvCell.Config(4, 1, 3, 2, Activation.TANH, 0.2));
  }

  @Override
  protected Shape inputShape() {
    return new Shape(2, 1, 5, 5);
  }

  @Test
  void sameConvolutionsKeepTheImageSize() {
    assertEquals(new Shape(2, 4, 5, 5), cell.stateShape(inputShape()));
    NDArray injection = cell.inject(check.parameters(), check.input(), false);
    assertEquals(new Shape(2, 4, 5, 5), injection.getShape());
  }

  @Test
  void groupsMustDivideTheChannelsAndKernelsMustBeOdd() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConvCell.Config(4, 1, 3, 3, Activation.RELU, 1));
    assertTrue(e.getMessage().contains("groups"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConvCell.Config(4, 1, 2, 0, Activation.RELU, 1));
    assertTrue(e.getMessage().contains("kernelSize"), e.getMessage());
  }
}
