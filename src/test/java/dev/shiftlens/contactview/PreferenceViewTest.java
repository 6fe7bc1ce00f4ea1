package dev.shiftlens.contactview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The preferences of one contact from literal sends and population counts, with seeded randomness. */
class PreferenceViewTest {
  // Monday 2026-11-23 08:30 UTC is 09:30 in Berlin: slot mon_09-12.
  private static final Instant MONDAY = Instant.parse("2026-11-23T08:30:00Z");
  private static final List<ContactViewStore.EvaluatedSend> SENDS = List.of(
      new ContactViewStore.EvaluatedSend("push", new JsonObject().put("offer", "10pct"), MONDAY, "Europe/Berlin", 12, 8, 8),
      new ContactViewStore.EvaluatedSend("email", new JsonObject(), MONDAY.plusSeconds(3 * 3600), null, 1, 4, 4));
  private static final PopulationLifts.Table POPULATION = PopulationLifts.Table.of(List.of(
      new ContactViewQueries.LiftRow("push", 1, 3, "{\"offer\":\"10pct\"}", 100, 150, 100),
      new ContactViewQueries.LiftRow("in_app", 2, 6, "{}", 30, 10, 40),
      new ContactViewQueries.LiftRow("fax", 2, 6, "{}", 5, 10, 10)));

  @Test
  void theLiftIsThePosteriorMeanOfAPriorCentredOnTheShrunkPopulationLift() {
    JsonObject view = PreferenceView.of("c", null, SENDS, POPULATION, new SplittableRandom(1));
    JsonObject push = row(view.getJsonObject("dimensions").getJsonArray("channel"), "push");
    double centre = (20 + 150) / (20.0 + 100);
    assertEquals(centre, push.getDouble("prior_lift"), 1e-6);
    assertEquals((5 * centre + 12) / (5 + 8), push.getDouble("lift"), 1e-6);
    assertEquals(1, push.getInteger("sends"));
    // A value the population was sent often enough is shown for exploration, one sent 5 times is not.
    JsonObject inApp = row(view.getJsonObject("dimensions").getJsonArray("channel"), "in_app");
    assertEquals(0, inApp.getInteger("sends"));
    assertEquals((20 + 10) / (20.0 + 40), inApp.getDouble("lift"), 1e-6);
    assertEquals(null, row(view.getJsonObject("dimensions").getJsonArray("channel"), "fax"));
    // Without population counts the prior is centred on 1.
    JsonObject email = row(view.getJsonObject("dimensions").getJsonArray("channel"), "email");
    assertEquals((5 + 1) / 9.0, email.getDouble("lift"), 1e-6);
  }

  @Test
  void sendSlotsAreTheLocalWeekdayAndThreeHourBlockAndLabelsAreTheirOwnDimensions() {
    JsonObject view = PreferenceView.of("c", new ContactViewStore.Contact("Asia/Tokyo", null, null, "a@b.c"), SENDS, PopulationLifts.Table.EMPTY,
        new SplittableRandom(1));
    JsonObject dims = view.getJsonObject("dimensions");
    assertEquals(List.of("channel", "send_slot", "label:offer"), List.copyOf(dims.fieldNames()));
    // The push was read in Berlin (09:30); the email has no zone of its own, so the contact's: 11:30 UTC is 20:30 in Tokyo.
    assertEquals(1, row(dims.getJsonArray("send_slot"), "mon_09-12").getInteger("sends"));
    assertEquals(1, row(dims.getJsonArray("send_slot"), "mon_18-21").getInteger("sends"));
    assertEquals(1, row(dims.getJsonArray("label:offer"), "10pct").getInteger("sends"));
    // The email address makes email reachable; it is there already, and no other channel is added.
    assertEquals(2, dims.getJsonArray("channel").size());
  }

  @Test
  void theRecommendationRepeatsWithTheSameSeedAndProbBestIsStableAcrossCalls() {
    JsonObject a = PreferenceView.of("c", null, SENDS, POPULATION, new SplittableRandom(77));
    JsonObject b = PreferenceView.of("c", null, SENDS, POPULATION, new SplittableRandom(77));
    assertEquals(a, b);
    JsonObject c = PreferenceView.of("c", null, SENDS, POPULATION, new SplittableRandom(78));
    assertEquals(a.getJsonObject("dimensions"), c.getJsonObject("dimensions"), "prob_best does not depend on the request's draws");
    boolean varied = false;
    String first = a.getJsonObject("recommendation").getString("channel");
    for (int seed = 0; seed < 50 && !varied; seed++) {
      varied = !first.equals(PreferenceView.of("c", null, SENDS, POPULATION, new SplittableRandom(seed))
          .getJsonObject("recommendation").getString("channel"));
    }
    assertTrue(varied, "Thompson sampling explores: the channel drawn changes with the draws");
    assertFalse(a.getJsonObject("recommendation").getString("send_slot").isEmpty());
  }

  @Test
  void rewardsInOtherUnitsGiveTheSameLiftsProbBestAndRecommendation() {
    // Rewards of 2 per event on the pushes, 1 on the email, then the same in cents: the stored "*" counts
    // are 100 times larger, the unweighted expected counts of the names the same.
    JsonObject dollars = PreferenceView.of("c", null, sends(1), POPULATION, new SplittableRandom(5));
    JsonObject cents = PreferenceView.of("c", null, sends(100), POPULATION, new SplittableRandom(5));
    assertEquals(dollars, cents);
    for (int seed = 0; seed < 20; seed++) {
      assertEquals(PreferenceView.of("c", null, sends(1), POPULATION, new SplittableRandom(seed)).getJsonObject("recommendation"),
          PreferenceView.of("c", null, sends(100), POPULATION, new SplittableRandom(seed)).getJsonObject("recommendation"));
    }
    // In event units: the pushes' 12 + 2 weighted events at 2 per event are 7 events against 4 + 3 expected.
    JsonObject push = row(cents.getJsonObject("dimensions").getJsonArray("channel"), "push");
    double centre = (20 + 150) / (20.0 + 100);
    assertEquals(3, push.getInteger("sends"));
    assertEquals(7, push.getDouble("observed"), 1e-6);
    assertEquals(7, push.getDouble("expected"), 1e-6);
    assertEquals((5 * centre + 7) / (5 + 7), push.getDouble("lift"), 1e-6);
    // A send whose "*" expects nothing (or that shows no names) counts, with nothing observed or expected.
    JsonObject sms = row(cents.getJsonObject("dimensions").getJsonArray("channel"), "sms");
    assertEquals(1, sms.getInteger("sends"));
    assertEquals(0, sms.getDouble("expected"), 0);
    assertEquals(1, sms.getDouble("lift"), 1e-6);
    JsonObject email = row(cents.getJsonObject("dimensions").getJsonArray("channel"), "email");
    assertEquals((5 + 1) / 9.0, email.getDouble("lift"), 1e-6);
  }

  /** Sends as stored with rewards of 2 on the pushes and 1 on the email, in units {@code unit} times smaller. */
  private static List<ContactViewStore.EvaluatedSend> sends(double unit) {
    JsonObject offer = new JsonObject().put("offer", "10pct");
    return List.of(
        new ContactViewStore.EvaluatedSend("push", offer, MONDAY, "Europe/Berlin", 12 * unit, 8 * unit, 4),
        new ContactViewStore.EvaluatedSend("push", offer, MONDAY.plusSeconds(86400), "Europe/Berlin", 2 * unit, 6 * unit, 3),
        new ContactViewStore.EvaluatedSend("push", new JsonObject(), MONDAY.plusSeconds(2 * 86400), null, 0, 0, 0),
        new ContactViewStore.EvaluatedSend("email", new JsonObject(), MONDAY.plusSeconds(3 * 3600), null, unit, 4 * unit, 4),
        new ContactViewStore.EvaluatedSend("sms", new JsonObject(), MONDAY.plusSeconds(5 * 3600), null, 3 * unit, 0, 2));
  }

  private static JsonObject row(JsonArray rows, String value) {
    for (Object o : rows) {
      if (((JsonObject) o).getString("value").equals(value)) return (JsonObject) o;
    }
    return null;
  }
}
