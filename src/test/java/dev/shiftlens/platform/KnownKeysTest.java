package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class KnownKeysTest {
  @Test
  void aReloadReplacesTheIndex() {
    KnownKeys keys = new KnownKeys();
    keys.replace(Set.of("a", "b"), System.nanoTime());
    keys.replace(Set.of("b"), System.nanoTime());
    assertFalse(keys.contains("a"));
    assertTrue(keys.contains("b"));
  }

  @Test
  void changesMadeWhileAReloadRunsSurviveItsOlderResult() {
    KnownKeys keys = new KnownKeys();
    keys.replace(Set.of("old"), System.nanoTime());
    long readStarted = System.nanoTime();
    keys.added("new");
    keys.removed("old");
    keys.replace(Set.of("old"), readStarted); // read before both changes
    assertTrue(keys.contains("new"));
    assertFalse(keys.contains("old"));
  }

  @Test
  void changesOlderThanAReloadAreLeftToIt() {
    KnownKeys keys = new KnownKeys();
    keys.added("revoked-elsewhere-later");
    keys.replace(Set.of(), System.nanoTime()); // read after the change: the store's word stands
    assertFalse(keys.contains("revoked-elsewhere-later"));
  }
}
