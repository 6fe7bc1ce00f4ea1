package dev.shiftlens.eventtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventTypesTest {
  @Test
  void anUnconfiguredEventIsEngagementWithRewardOneAndCountsInTheTotal() {
    EventType t = EventTypes.defaults().of("app_open");
    assertEquals(new EventType("app_open", "engagement", 1.0), t);
    assertTrue(t.inTotal());
    assertTrue(EventTypes.defaults().all().isEmpty());
  }

  @Test
  void configuredTypesAreFoundByNameAndListedSortedByName() {
    EventTypes types = EventTypes.of(List.of(
        new EventType("purchase", "revenue", 20),
        new EventType("heartbeat", "irrelevant", 0),
        new EventType("unsubscribe", "negative", -3)));
    assertEquals(20, types.of("purchase").reward());
    assertFalse(types.of("heartbeat").inTotal());
    assertTrue(types.of("unsubscribe").inTotal());
    assertEquals(1.0, types.of("view_item").reward());
    assertEquals(List.of("heartbeat", "purchase", "unsubscribe"), types.all().stream().map(EventType::eventName).toList());
  }

  @Test
  void aSnapshotCannotBeChanged() {
    EventTypes types = EventTypes.of(List.of(new EventType("purchase", "revenue", 20)));
    assertThrows(UnsupportedOperationException.class, () -> types.all().clear());
  }

  @Test
  void anEventTypeKeepsItsRulesWhereverItIsMade() {
    assertThrows(IllegalArgumentException.class, () -> new EventType("a", "bonus", 1));
    assertThrows(IllegalArgumentException.class, () -> new EventType("a", "negative", 0.5));
    assertThrows(IllegalArgumentException.class, () -> new EventType("a", "revenue", Double.NaN));
    assertEquals(-1.0, EventType.defaultReward("negative"));
    assertEquals(0.0, EventType.defaultReward("irrelevant"));
  }
}
