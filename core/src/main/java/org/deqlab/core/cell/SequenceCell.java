package org.deqlab.core.cell;

import ai.djl.ndarray.types.Shape;

/**
 * A cell over sequences: x is (B, T, inputSize) and z is (B, T, hiddenSize) for any length T, so
 * one trained cell solves inputs of every length (what a length sweep measures).
 */
public abstract class SequenceCell extends Cell {

  private final int inputWidth;
  private final int stateWidth;

  /** A cell reading {@code inputWidth} features and keeping {@code stateWidth} at each position. */
  protected SequenceCell(byte version, int inputWidth, int stateWidth) {
    super(version);
    this.inputWidth = inputWidth;
    this.stateWidth = stateWidth;
  }

  /** z is (B, T, stateWidth) for x of shape (B, T, inputWidth). */
  @Override
  public Shape stateShape(Shape inputShape) {
    CellSupport.requireSequence(inputShape, inputWidth);
    return new Shape(inputShape.get(0), inputShape.get(1), stateWidth);
  }

  /** A one-step sequence (B, 1, inputWidth); the cell accepts any length T. */
  @Override
  public Shape inputShape(long batch) {
    return new Shape(batch, 1, inputWidth);
  }
}
