package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyCacheTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aKnownKeyIsRememberedUntilItsPeriodEnds() {
    KeyCache cache = new KeyCache(5 * SECOND, 10);
    cache.put("a", EnumSet.of(Scope.READ), 0);
    assertEquals(Set.of(Scope.READ), cache.get("a", 4 * SECOND));
    assertNull(cache.get("a", 5 * SECOND));
  }

  @Test
  void anUnknownKeyIsRememberedAsUnknown() {
    KeyCache cache = new KeyCache(5 * SECOND, 10);
    assertNull(cache.get("x", 0));
    cache.put("x", Set.of(), 0);
    assertEquals(Set.of(), cache.get("x", SECOND));
    assertNull(cache.get("x", 6 * SECOND));
  }

  @Test
  void unknownKeysNeverExceedTheBoundAndExpiredOnesMakeRoom() {
    KeyCache cache = new KeyCache(5 * SECOND, 100);
    for (int i = 0; i < 10_000; i++) cache.put("k" + i, Set.of(), 0);
    assertEquals(100, cache.unknownSize());
    cache.put("late", Set.of(), 10 * SECOND);
    assertEquals(1, cache.unknownSize());
    assertEquals(Set.of(), cache.get("late", 11 * SECOND));
  }

  @Test
  void anInvalidatedKeyIsAskedForAgain() {
    KeyCache cache = new KeyCache(5 * SECOND, 10);
    cache.put("a", EnumSet.of(Scope.ADMIN), 0);
    cache.invalidate("a");
    assertNull(cache.get("a", 1));
  }

  @Test
  void aZeroPeriodRemembersNothing() {
    KeyCache cache = new KeyCache(0, 10);
    cache.put("a", EnumSet.of(Scope.ADMIN), 0);
    cache.put("b", Set.of(), 0);
    assertNull(cache.get("a", 0));
    assertNull(cache.get("b", 0));
    assertTrue(cache.unknownSize() == 0);
  }
}
