package org.deqlab.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deqlab.core.text.Labels;
import org.junit.jupiter.api.Test;

/** Invalid options fail at construction, and the message names the field. */
class SolverOptionsTest {

  @Test
  void aNonPositiveThresholdNamesFThres() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SolverOptions.defaults().withMaxIterations(0));
    assertTrue(e.getMessage().contains("maxIterations (f_thres)"), e.getMessage());
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
  }

  @Test
  void badToleranceMixingAndDampingAreNamed() {
    assertMessage("tolerance (eps)", () -> SolverOptions.defaults().withTolerance(-1));
    assertMessage("tolerance (eps)", () -> SolverOptions.defaults().withTolerance(Double.NaN));
    assertMessage("andersonMixing (β)", () -> SolverOptions.defaults().withAnderson(5, 1e-4, 1.5));
    assertMessage("andersonMemory (m)", () -> SolverOptions.defaults().withAnderson(0, 1e-4, 1));
    assertMessage("broydenMemory", () -> SolverOptions.defaults().withBroyden(0, false));
    assertMessage("damping (τ)", () -> SolverOptions.defaults().withDamping(0));
  }

  @Test
  void solverAndCriterionNamesParseAndListTheAllowedValuesOnError() {
    assertEquals(SolverKind.BROYDEN, Labels.parse(SolverKind.class, "broyden"));
    assertEquals(SolverKind.FIXED_POINT, Labels.parse(SolverKind.class, "fixed-point"));
    assertEquals(StopCriterion.ABSOLUTE, Labels.parse(StopCriterion.class, "abs"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Labels.parse(SolverKind.class, "newton"));
    assertTrue(e.getMessage().contains("anderson") && e.getMessage().contains("'newton'"));
    assertThrows(IllegalArgumentException.class, () -> Labels.parse(StopCriterion.class, "max"));
  }

  private static void assertMessage(String field, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }
}
