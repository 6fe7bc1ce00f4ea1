package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** STATS.md section 4: the vector from GrowthBook's tests. */
class BenjaminiHochbergTest {
  @Test
  void sevenPValuesGiveGrowthBooksQValuesInInputOrder() {
    double[] p = {.898, .138, .007, .964, .538, .006, .138};
    double[] expected = {.964, .2415, .0245, .964, .7532, .0245, .2415};
    assertArrayEquals(expected, BenjaminiHochberg.qValues(p), 5e-5);
  }

  @Test
  void missingPValuesStayMissingAndDoNotCount() {
    double[] p = {.898, Double.NaN, .138, .007, .964, .538, .006, .138, Double.NaN};
    double[] q = BenjaminiHochberg.qValues(p);
    assertTrue(Double.isNaN(q[1]) && Double.isNaN(q[8]));
    double[] expected = {.964, .2415, .0245, .964, .7532, .0245, .2415};
    double[] present = {q[0], q[2], q[3], q[4], q[5], q[6], q[7]};
    assertArrayEquals(expected, present, 5e-5);
  }

  @Test
  void aSinglePValueIsItsOwnQValue() {
    assertArrayEquals(new double[] {0.03}, BenjaminiHochberg.qValues(new double[] {0.03}), 0);
    assertEquals(0, BenjaminiHochberg.qValues(new double[0]).length);
  }

  @Test
  void qValuesNeverExceedOneNorFallBelowTheirPValue() {
    double[] p = {0.9, 0.95, 1.0, 0.01, 0.5};
    double[] q = BenjaminiHochberg.qValues(p);
    for (int i = 0; i < p.length; i++) {
      assertTrue(q[i] >= p[i] && q[i] <= 1, i + ": " + q[i]);
    }
  }

  @Test
  void pValuesOutsideTheUnitIntervalAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> BenjaminiHochberg.qValues(new double[] {0.1, 1.2}));
  }
}
