package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PowerOfTenFormatTest {
  private final ChartPanel.PowerOfTenFormat format = new ChartPanel.PowerOfTenFormat();

  @Test
  void decadesReadAsTenToAPower() {
    assertEquals("10⁰", format.toString(1.0));
    assertEquals("10⁻³", format.toString(1e-3));
    assertEquals("10¹²", format.toString(1e12));
  }

  @Test
  void otherValuesKeepThreeSignificantDigits() {
    assertEquals("0.00250", format.toString(2.5e-3));
    assertEquals("-4.00", format.toString(-4));
  }
}
