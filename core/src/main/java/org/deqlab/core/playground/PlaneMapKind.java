package org.deqlab.core.playground;

import org.deqlab.core.text.Labelled;

/**
 * The 2-D maps the playground offers, each built from a weight matrix {@code W = s·R(θ)} (scale
 * {@code s}, rotation {@code θ}) and an input {@code x}. Rotation gives W complex eigenvalues
 * {@code s·e^{±iθ}}, so one slider moves them around the unit circle and the other across it.
 */
public enum PlaneMapKind implements Labelled {
  /** {@code f(z) = tanh(W z + U x + b)} with {@code U = I}, {@code b = 0}: the MLP cell in 2-D. */
  TANH("f(z) = tanh(W z + U x + b),  W = s·R(θ), U = I, b = 0") {
    @Override
    public PlaneMap build(Matrix2 weights, Point2 input) {
      return new PlaneMap() {
        @Override
        public Point2 apply(Point2 z) {
          Point2 pre = weights.apply(z).plus(input);
          return new Point2(Math.tanh(pre.x()), Math.tanh(pre.y()));
        }

        @Override
        public Matrix2 jacobian(Point2 z) {
          return slopes(z).times(weights);
        }

        @Override
        public Matrix2 inputJacobian(Point2 z) {
          return slopes(z);
        }

        /** {@code diag(1 − tanh²)} at the pre-activation of {@code z}. */
        private Matrix2 slopes(Point2 z) {
          Point2 out = apply(z);
          return Matrix2.diagonal(1 - out.x() * out.x(), 1 - out.y() * out.y());
        }
      };
    }
  },
  /**
   * {@code f(z) = x + W (z − x)}: a linear map whose fixed point is the input itself; a contraction
   * for {@code s < 1}, spiralling out for {@code s > 1}.
   */
  LINEAR("f(z) = x + W (z − x),  W = s·R(θ)") {
    @Override
    public PlaneMap build(Matrix2 weights, Point2 input) {
      Matrix2 inputSlope = Matrix2.IDENTITY.minus(weights);
      return new PlaneMap() {
        @Override
        public Point2 apply(Point2 z) {
          return input.plus(weights.apply(z.minus(input)));
        }

        @Override
        public Matrix2 jacobian(Point2 z) {
          return weights;
        }

        @Override
        public Matrix2 inputJacobian(Point2 z) {
          return inputSlope;
        }
      };
    }
  };

  private final String formula;

  PlaneMapKind(String formula) {
    this.formula = formula;
  }

  /** The map for weights {@code W} and input {@code x}. */
  public abstract PlaneMap build(Matrix2 weights, Point2 input);

  /** The formula, as shown beside the plane. */
  public String formula() {
    return formula;
  }

  @Override
  public String toString() {
    return label();
  }
}
