package org.deqlab.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.deqlab.core.solver.SolverResult;

/**
 * {@code f(z) = A z + b} per sample, batched, in float64: the fixed point has the closed form
 * {@code (I − A)⁻¹ b}, and the spectrum of A (chosen exactly) decides which solvers converge.
 */
public final class AffineProblem {
  public final double[][] a;
  public final double[][] b;
  private final NDArray aTransposed;
  private final NDArray bArray;
  private final int dim;

  private AffineProblem(NDManager manager, double[][] a, double[][] b) {
    this.a = a;
    this.b = b;
    this.dim = a.length;
    double[][] at = new double[dim][dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        at[i][j] = a[j][i];
      }
    }
    aTransposed = manager.create(Dense.flatten(at), new Shape(dim, dim));
    bArray = manager.create(Dense.flatten(b), new Shape(b.length, dim));
  }

  /** A symmetric A with the given eigenvalues and a batch of random right-hand sides. */
  public static AffineProblem withEigenvalues(
      NDManager manager, double[] eigenvalues, int batch, long seed) {
    Random random = new Random(seed);
    double[][] a = Dense.withEigenvalues(eigenvalues, random);
    double[][] b = new double[batch][eigenvalues.length];
    for (double[] row : b) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextGaussian();
      }
    }
    return new AffineProblem(manager, a, b);
  }

  /** Eigenvalues spread evenly over [−radius, radius], radius included. */
  public static double[] spread(int dim, double radius) {
    double[] values = new double[dim];
    for (int i = 0; i < dim; i++) {
      values[i] = radius * (2.0 * i / (dim - 1) - 1);
    }
    values[dim - 1] = radius;
    return values;
  }

  public UnaryOperator<NDArray> map() {
    return z -> z.matMul(aTransposed).add(bArray);
  }

  public NDArray zeros(NDManager manager) {
    return manager.zeros(new Shape(b.length, dim), DataType.FLOAT64);
  }

  /** The closed-form fixed point, flattened (batch × dim). */
  public double[] solution() {
    double[][] iMinusA = new double[dim][dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        iMinusA[i][j] = (i == j ? 1 : 0) - a[i][j];
      }
    }
    double[] all = new double[b.length * dim];
    for (int s = 0; s < b.length; s++) {
      System.arraycopy(Dense.solve(iMinusA, b[s]), 0, all, s * dim, dim);
    }
    return all;
  }

  /** ‖f(z) − z‖ of each sample of a (batch × dim) iterate, computed here independently. */
  public double[] sampleResiduals(NDArray z) {
    double[] residual = map().apply(z).sub(z).toDoubleArray();
    double[] norms = new double[b.length];
    for (int s = 0; s < b.length; s++) {
      double squared = 0;
      for (int i = 0; i < dim; i++) {
        squared += residual[s * dim + i] * residual[s * dim + i];
      }
      norms[s] = Math.sqrt(squared);
    }
    return norms;
  }

  /**
   * Asserts that the per-sample residuals a solve reports are those of the equilibrium it returns,
   * computed here independently.
   */
  public void assertReportedResidualsAreThoseOf(SolverResult result, String context) {
    double[] actual = sampleResiduals(result.equilibrium());
    for (int s = 0; s < actual.length; s++) {
      double reported = result.sampleAbsoluteResiduals()[s];
      org.junit.jupiter.api.Assertions.assertEquals(
          reported,
          actual[s],
          1e-9 * Math.max(1, reported),
          context + ", sample " + s + " after " + result.steps() + " steps");
    }
  }
}
