package org.deqlab.core.numerics;

/** What a precision check differentiates: the cell alone, or a whole layer built on it. */
public enum Probe {
  /** One application f(z, x) with a random cotangent: the VJP w.r.t. z, x and every parameter. */
  CELL_VJP("f VJP"),
  /** A DEQ layer with the implicit (IFT) backward: solves forward and adjoint. */
  DEQ_IMPLICIT("DEQ implicit"),
  /** A DEQ layer with the phantom backward (a few damped steps from z*). */
  DEQ_PHANTOM("DEQ phantom"),
  /** The weight-tied stack unrolled a few layers, back-propagated. */
  UNROLLED("unrolled"),
  /**
   * The Jacobian-regularization penalty {@code ‖J_f‖²_F/d} at a point (fixed probes, one
   * finite-difference step for both precisions): its value and gradient w.r.t. x and parameters.
   */
  JACOBIAN_TERM("Jacobian term");

  private final String label;

  Probe(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
