package dev.shiftlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void nearestRankPicksTheValueWhoseRankIsTheCeilingOfPTimesN() {
    Percentiles p = new Percentiles(new long[] {15, 20, 35, 40, 50});
    assertEquals(20, p.at(30)); // ceil(1.5) = 2nd value
    assertEquals(20, p.at(40)); // exactly 2
    assertEquals(35, p.at(50)); // ceil(2.5) = 3rd
    assertEquals(50, p.at(95)); // ceil(4.75) = 5th
    assertEquals(50, p.at(100));
    assertEquals(15, p.at(0.1));
  }

  @Test
  void theOrderOfTheValuesDoesNotMatterAndTheCallersArrayIsLeftAlone() {
    long[] values = {900, 100, 500, 300, 700, 200, 800, 400, 1000, 600};
    Percentiles p = new Percentiles(values);
    assertEquals(500, p.at(50));
    assertEquals(1000, p.at(95));
    assertEquals(100, p.min());
    assertEquals(1000, p.max());
    assertEquals(10, p.count());
    assertEquals(900, values[0]);
  }

  @Test
  void aSingleValueIsEveryPercentile() {
    Percentiles p = new Percentiles(new long[] {-42});
    assertEquals(-42, p.at(1));
    assertEquals(-42, p.at(50));
    assertEquals(-42, p.at(100));
  }

  @Test
  void anEmptySampleOrAPercentileOutsideZeroToHundredIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Percentiles(new long[0]));
    Percentiles p = new Percentiles(new long[] {1, 2});
    assertThrows(IllegalArgumentException.class, () -> p.at(0));
    assertThrows(IllegalArgumentException.class, () -> p.at(100.5));
  }
}
