package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.engine.Autograd;

/**
 * Spectral radius and outer spectrum by a k-step Arnoldi factorization built from vector–Jacobian
 * products, per sample. With A = Jᵀ (a product {@code q ↦ qJ} is {@code Aq}; Jᵀ has the same
 * eigenvalues as J) and a random unit q₁, it builds an orthonormal Krylov basis {@code Q_k = [q₁ …
 * q_k]} and the upper-Hessenberg {@code H_k = Q_kᵀ A Q_k}, so that {@code A Q_k = Q_k H_k +
 * h_{k+1,k} q_{k+1} e_kᵀ}. The eigenvalues of the small H_k (the Ritz values, computed on the host
 * by {@link RealEigenvalues}) approximate A's outer eigenvalues first; with k = d (or an earlier
 * breakdown, when the Krylov space is invariant) they are A's eigenvalues.
 *
 * <p>The batch runs together: one product of the batch gives every sample's product, the
 * Gram–Schmidt coefficients are batched matrix products, and only the per-sample Hessenberg columns
 * travel to the host (one transfer per step). Orthogonalization is classical Gram–Schmidt applied
 * twice ("twice is enough"), as accurate as the modified variant and batchable.
 */
public final class ArnoldiIteration {
  private ArnoldiIteration() {}

  /**
   * Runs up to {@code steps} Arnoldi steps (capped at the per-sample dimension d) at the
   * linearization point and returns every sample's Ritz values and radius max|Ritz|.
   *
   * @param linearization the cell linearized at z (its image fixes shape, dtype and device)
   * @param steps k, the Krylov dimension, ≥ 1
   */
  public static SpectralEstimate estimate(Linearization linearization, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps (Krylov dimension k) must be ≥ 1, got " + steps);
    }
    NDArray like = linearization.image();
    int batch = PerSample.batch(like);
    int k = (int) Math.min(steps, PerSample.elements(like));
    // A residual below this fraction of ‖Aq_j‖ means the Krylov space is invariant (breakdown):
    // a few hundred units of roundoff of the state's dtype.
    double breakdown = like.getDataType() == DataType.FLOAT64 ? 1e-12 : 1e-5;

    double[][][] hessenberg = new double[batch][k][k];
    int[] size = new int[batch]; // Krylov dimension reached per sample; 0 while still growing
    int products =
        Autograd.noGrad(
            () -> {
              try (NDScope scope = new NDScope()) {
                return factorize(linearization, like, k, breakdown, hessenberg, size);
              }
            });
    double[] radius = new double[batch];
    List<List<RitzValue>> ritz = new ArrayList<>(batch);
    for (int s = 0; s < batch; s++) {
      int m = size[s] == 0 ? k : size[s];
      double[][] h = new double[m][m];
      for (int i = 0; i < m; i++) {
        System.arraycopy(hessenberg[s][i], 0, h[i], 0, m);
      }
      List<RitzValue> values = RealEigenvalues.ofHessenberg(h);
      ritz.add(values);
      radius[s] = RealEigenvalues.spectralRadius(values);
    }
    return SpectralEstimate.fromSamples(SpectralEstimate.Method.ARNOLDI, radius, ritz, products);
  }

  /**
   * Fills the per-sample Hessenberg matrices and the sizes at which samples broke down; returns the
   * number of batched products spent. Only the basis survives a step's scope.
   */
  private static int factorize(
      Linearization linearization,
      NDArray like,
      int k,
      double breakdown,
      double[][][] hessenberg,
      int[] size) {
    Shape shape = like.getShape();
    int batch = hessenberg.length;
    List<NDArray> basis = new ArrayList<>(k);
    int products = 0;
    try {
      NDArray start = PerSample.flat(ProbeDistribution.GAUSSIAN.draw(like));
      NDArray first = PerSample.normalizeRows(start, PerSample.norms(start));
      NDScope.unregister(first);
      basis.add(first);
      for (int j = 0; j < k; j++) {
        try (NDScope step = new NDScope()) {
          NDArray w = PerSample.flat(linearization.vjp(basis.get(j).reshape(shape)));
          products++;
          double[] imageNorm = PerSample.host(PerSample.norms(w));
          NDArray q = NDArrays.stack(new NDList(basis), 1); // (B, j+1, d)
          NDArray qt = q.transpose(0, 2, 1);
          NDArray coefficients = null;
          for (int pass = 0; pass < 2; pass++) {
            NDArray c = q.batchMatMul(w.expandDims(2)); // (B, j+1, 1)
            w = w.sub(qt.batchMatMul(c).squeeze(2));
            coefficients = coefficients == null ? c : coefficients.add(c);
          }
          NDArray residual = PerSample.norms(w);
          double[] h = PerSample.host(coefficients.reshape(batch, j + 1));
          double[] beta = PerSample.host(residual);
          boolean growing = false;
          for (int s = 0; s < batch; s++) {
            if (size[s] != 0) {
              continue; // broke down earlier: later columns are not part of its factorization
            }
            for (int i = 0; i <= j; i++) {
              hessenberg[s][i][j] = h[s * (j + 1) + i];
            }
            if (j + 1 == k) {
              size[s] = k;
            } else if (!(beta[s] > breakdown * imageNorm[s])) {
              size[s] = j + 1; // invariant subspace: the Ritz values are exact eigenvalues
            } else {
              hessenberg[s][j + 1][j] = beta[s];
              growing = true;
            }
          }
          if (!growing) {
            break;
          }
          NDArray next = PerSample.normalizeRows(w, residual);
          NDScope.unregister(next);
          basis.add(next);
        }
      }
    } finally {
      for (NDArray vector : basis) {
        vector.close();
      }
    }
    return products;
  }
}
