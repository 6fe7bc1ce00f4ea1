package dev.shiftlens.eventtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.platform.ApiException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class EventTypeRequestTest {
  private static EventType parse(String name, String body) {
    return EventTypeRequest.parse(name, Buffer.buffer(body));
  }

  private static ApiException rejected(String name, String body) {
    ApiException e = assertThrows(ApiException.class, () -> parse(name, body));
    assertEquals(400, e.status());
    return e;
  }

  private static void rejectedNaming(String field, String name, String body) {
    ApiException e = rejected(name, body);
    assertEquals(field, e.extra().getString("field"), e.getMessage());
    assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
  }

  @Test
  void aCategoryAndARewardAreTakenAsGiven() {
    assertEquals(new EventType("purchase", "revenue", 49.9), parse("purchase", "{\"category\":\"revenue\",\"reward\":49.9}"));
    assertEquals(new EventType("refund", "negative", -5), parse("refund", "{\"category\":\"negative\",\"reward\":-5}"));
    assertEquals(new EventType("churn", "negative", 0), parse("churn", "{\"category\":\"negative\",\"reward\":0}"));
    assertEquals(new EventType("bonus", "engagement", 3), parse("bonus", "{\"category\":\"engagement\",\"reward\":3}"));
  }

  @Test
  void aMissingOrNullRewardDefaultsByCategory() {
    assertEquals(1.0, parse("a", "{\"category\":\"engagement\"}").reward());
    assertEquals(1.0, parse("a", "{\"category\":\"revenue\"}").reward());
    assertEquals(-1.0, parse("a", "{\"category\":\"negative\"}").reward());
    assertEquals(0.0, parse("a", "{\"category\":\"irrelevant\",\"reward\":null}").reward());
  }

  @Test
  void aNegativeEventWithAPositiveRewardIsRejectedNamingTheReward() {
    rejectedNaming("reward", "refund", "{\"category\":\"negative\",\"reward\":2}");
  }

  @Test
  void aRewardMustBeAFiniteNumber() {
    rejectedNaming("reward", "a", "{\"category\":\"revenue\",\"reward\":\"5\"}");
    rejectedNaming("reward", "a", "{\"category\":\"revenue\",\"reward\":true}");
    rejectedNaming("reward", "a", "{\"category\":\"revenue\",\"reward\":1e400}");
    rejectedNaming("reward", "a", "{\"category\":\"revenue\",\"reward\":-1e400}");
  }

  @Test
  void anUnknownMissingOrMistypedCategoryIsRejectedNamingTheCategory() {
    rejectedNaming("category", "a", "{\"category\":\"bonus\"}");
    rejectedNaming("category", "a", "{\"category\":\"Revenue\"}");
    rejectedNaming("category", "a", "{\"category\":3}");
    rejectedNaming("category", "a", "{\"reward\":3}");
    rejectedNaming("category", "a", "{}");
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsRejected() {
    assertNull(rejected("a", "not json").extra());
    assertNull(rejected("a", "[{\"category\":\"revenue\"}]").extra());
    assertNull(rejected("a", "\"revenue\"").extra());
    assertNull(rejected("a", "").extra());
    assertNull(rejected("a", "{\"category\":\"revenue\"").extra());
  }

  @Test
  void theEventNameHasOneToTwoHundredFiftySixCharacters() {
    rejectedNaming("event_name", "", "{\"category\":\"revenue\"}");
    rejectedNaming("event_name", "x".repeat(257), "{\"category\":\"revenue\"}");
    rejectedNaming("event_name", "a\u0000b", "{\"category\":\"revenue\"}");
    String rockets = "\uD83D\uDE80".repeat(256); // 256 characters in 512 UTF-16 units
    assertEquals(rockets, parse(rockets, "{\"category\":\"revenue\"}").eventName());
    assertEquals("x".repeat(256), parse("x".repeat(256), "{\"category\":\"revenue\"}").eventName());
  }

  @Test
  void aListedItemMayBeSentBackButUnknownMembersAreRejected() {
    assertEquals(new EventType("a", "revenue", 2), parse("a",
        "{\"event_name\":\"a\",\"category\":\"revenue\",\"reward\":2,\"updated_at\":\"2026-01-01T00:00:00Z\"}"));
    rejectedNaming("event_name", "a", "{\"event_name\":\"b\",\"category\":\"revenue\"}");
    rejectedNaming("rewrad", "a", "{\"category\":\"revenue\",\"rewrad\":2}");
  }
}
