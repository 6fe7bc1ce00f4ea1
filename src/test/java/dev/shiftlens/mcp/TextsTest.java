package dev.shiftlens.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TextsTest {
  private static final JsonObject SEND = new JsonObject().put("send_id", "s1").put("message_id", "promo_10pct")
      .put("channel", "push").put("window_hours", 24.0).put("sent_at", "2026-12-01T10:00:00Z").put("holdout", false)
      .put("labels", new JsonObject()).put("status", "evaluated");

  private static JsonObject effect(String name, double observed, double expected, Double ratio, Double low, Double high,
      double p, double up, String verdict) {
    return new JsonObject().put("event_name", name).put("observed", observed).put("expected", expected).put("rate_ratio", ratio)
        .put("ci_low", low).put("ci_high", high).put("p_value", p).put("prob_increase", up).put("verdict", verdict);
  }

  @Test
  void anEffectReadsAsTheRatioWithItsIntervalCountsWindowPAndVerdict() {
    assertEquals("purchase 3.1x the baseline (95% CI 1.4-6.2; 3 observed vs 0.97 expected) in the 24 h after promo_10pct"
            + " by push; p = 0.003, P(rate went up) = 0.99; verdict up",
        Texts.effect(effect("purchase", 3, 0.97, 3.1, 1.4, 6.2, 0.0031, 0.993, "up"), SEND));
  }

  @Test
  void nothingExpectedHasNoRatioAndAnUnboundedIntervalSaysSo() {
    assertTrue(Texts.effect(effect("*", 2, 0, null, null, null, 0.5, 0.5, "none"), SEND)
        .startsWith("all events (reward-weighted): 2 observed vs 0 expected (no ratio: the baseline expects nothing)"));
    assertTrue(Texts.effect(effect("view_item", 0, 0.01, 0.0, 0.0, 22080245.0, 0.98, 0.49, "none"), SEND)
        .contains("(95% CI 0-over 1000; "));
    assertEquals("p < 0.001", Texts.p(0.00002));
    assertEquals("p = 0.04", Texts.p(0.0412));
  }

  @Test
  void aSendListsItsAllEventsEffectAndThoseWithAVerdictAndCountsTheRest() {
    JsonObject send = SEND.copy().put("effects", new JsonArray()
        .add(effect("app_open", 5, 4, 1.25, 0.5, 2.9, 0.6, 0.7, "none"))
        .add(effect("purchase", 3, 0.5, 6.0, 1.4, 20.0, 0.01, 0.99, "up"))
        .add(effect("*", 8, 4.5, 1.78, 0.9, 3.0, 0.1, 0.94, "none")));
    String text = Texts.send(send);
    assertTrue(text.contains("\n  - purchase 6x the baseline"), text);
    assertTrue(text.contains("\n  - all events (reward-weighted) 1.78x"), text);
    assertTrue(text.contains("1 other event name(s) with verdict none"), text);
    assertTrue(Texts.send(SEND.copy().put("status", "insufficient_history")).contains("no effect was computed"));
    assertTrue(Texts.sendInFull(send).contains("\n  - app_open 1.25x the baseline"));
    assertTrue(Texts.effect(effect("purchase", 1, 1, 1.0, 0.1, 5.0, 1, 0.5, "none"), SEND.copy().put("holdout", true))
        .contains("after promo_10pct by push (held out: not sent)"));
  }
}
