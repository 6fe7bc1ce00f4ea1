package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BodyKeysTest {
  @Test
  void aKeySeenBeforeInTheBodyIsALaterCopy() {
    BodyKeys keys = new BodyKeys(1 << 20);
    for (long i = 1; i <= 100_000; i++) assertTrue(keys.add(i * 31, i));
    for (long i = 1; i <= 100_000; i++) assertFalse(keys.add(i * 31, i), "key " + i);
    assertTrue(keys.add(7, 8));
    assertTrue(keys.add(0, 0));
    assertFalse(keys.add(0, 0));
  }

  @Test
  void pastItsLimitItStartsAfreshRatherThanGrowing() {
    BodyKeys keys = new BodyKeys(1000);
    for (long i = 0; i < 1000; i++) keys.add(i, i);
    assertFalse(keys.add(999, 999));
    assertTrue(keys.add(5000, 5000)); // the limit is reached: the body's earlier keys are forgotten
    assertTrue(keys.add(1, 1));
  }
}
