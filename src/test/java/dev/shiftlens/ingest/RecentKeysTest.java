package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentKeysTest {
  private static void add(RecentKeys keys, int from, int to) {
    for (int i = from; i <= to; i++) keys.add(i, 31L * i);
  }

  private static boolean has(RecentKeys keys, int i) {
    return keys.contains(i, 31L * i);
  }

  @Test
  void addedKeysAreFoundAndOthersAreNot() {
    RecentKeys keys = new RecentKeys(100);
    add(keys, 1, 50);
    for (int i = 1; i <= 50; i++) assertTrue(has(keys, i), "key " + i);
    for (int i = 51; i <= 200; i++) assertFalse(has(keys, i), "key " + i);
    assertFalse(keys.contains(1, 32), "the same high half with another low half");
    assertFalse(keys.contains(31, 1), "the halves swapped");
  }

  @Test
  void keysWhoseHalvesMixAlikeAreToldApart() {
    // hi ^ lo is the same for both, so they probe the same slots
    RecentKeys keys = new RecentKeys(16);
    keys.add(0x1234L, 0x5678L);
    assertFalse(keys.contains(0x5678L, 0x1234L));
    keys.add(0x5678L, 0x1234L);
    assertTrue(keys.contains(0x1234L, 0x5678L));
    assertTrue(keys.contains(0x5678L, 0x1234L));
  }

  @Test
  void afterCapacityAddsTheOldKeysAreStillFoundInThePreviousGeneration() {
    RecentKeys keys = new RecentKeys(4);
    add(keys, 1, 4);
    add(keys, 5, 8);
    for (int i = 1; i <= 8; i++) assertTrue(has(keys, i), "key " + i);
  }

  @Test
  void theOldestGenerationIsDroppedWhenTheNextOneFillsUp() {
    RecentKeys keys = new RecentKeys(4);
    add(keys, 1, 8);
    add(keys, 9, 9);
    for (int i = 1; i <= 4; i++) assertFalse(has(keys, i), "key " + i);
    for (int i = 5; i <= 9; i++) assertTrue(has(keys, i), "key " + i);
  }

  @Test
  void addingAKeyAgainDoesNotFillTheTable() {
    RecentKeys keys = new RecentKeys(4);
    add(keys, 1, 4);
    for (int n = 0; n < 10; n++) add(keys, 1, 4);
    add(keys, 5, 8);
    for (int i = 1; i <= 8; i++) assertTrue(has(keys, i), "key " + i);
  }

  @Test
  void capacityZeroNeverFindsAnything() {
    RecentKeys keys = new RecentKeys(0);
    keys.add(1, 2);
    keys.add(0, 0);
    assertFalse(keys.contains(1, 2));
    assertFalse(keys.contains(0, 0));
  }

  @Test
  void capacityOneKeepsTheLastTwoKeys() {
    RecentKeys keys = new RecentKeys(1);
    add(keys, 1, 3);
    assertFalse(has(keys, 1));
    assertTrue(has(keys, 2));
    assertTrue(has(keys, 3));
  }

  @Test
  void theKeyZeroZeroCanBeStored() {
    RecentKeys keys = new RecentKeys(4);
    assertFalse(keys.contains(0, 0));
    keys.add(0, 0);
    assertTrue(keys.contains(0, 0));
    add(keys, 1, 4);
    assertTrue(keys.contains(0, 0), "in the previous generation");
  }

  @Test
  void keysWithAZeroHalfCanBeStored() {
    RecentKeys keys = new RecentKeys(4);
    keys.add(0, 7);
    keys.add(7, 0);
    assertTrue(keys.contains(0, 7));
    assertTrue(keys.contains(7, 0));
    assertFalse(keys.contains(0, 8));
  }

  @Test
  void aFullTableOfRandomKeysFindsAllOfThemAndNoOthers() {
    Random random = new Random(7);
    long[] added = new long[2 * 1_000];
    RecentKeys keys = new RecentKeys(1_000);
    for (int i = 0; i < added.length; i += 2) {
      added[i] = random.nextLong();
      added[i + 1] = random.nextLong();
      keys.add(added[i], added[i + 1]);
    }
    for (int i = 0; i < added.length; i += 2) assertTrue(keys.contains(added[i], added[i + 1]));
    for (int i = 0; i < 10_000; i++) assertFalse(keys.contains(random.nextLong(), random.nextLong()));
  }
}
