package org.deqlab.core.jacobian;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One eigenvalue estimate λ = re + i·im of a Jacobian (a Ritz value of a Krylov projection, or an
 * exact eigenvalue of a small host matrix). Real matrices have complex eigenvalues in conjugate
 * pairs, so both members of a pair appear, with {@code im} of opposite signs.
 *
 * @param re the real part
 * @param im the imaginary part (0 for a real eigenvalue)
 */
public record RitzValue(double re, double im) {

  /** |λ|, the quantity a spectral radius is the maximum of. */
  public double modulus() {
    return Math.hypot(re, im);
  }

  /** Whether this value is real (exactly: the solver reports real eigenvalues with im = 0). */
  @JsonIgnore // derived, not a JSON field: a run log stores re and im only
  public boolean isReal() {
    return im == 0;
  }

  @Override
  public String toString() {
    if (im == 0) {
      return String.format("%.6g", re);
    }
    return String.format("%.6g %s %.6gi", re, im < 0 ? "-" : "+", Math.abs(im));
  }
}
