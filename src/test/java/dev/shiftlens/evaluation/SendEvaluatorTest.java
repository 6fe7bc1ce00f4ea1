package dev.shiftlens.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.HourOfWeekProfile;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.stats.GammaPrior;
import dev.shiftlens.stats.RateComparison;
import dev.shiftlens.stats.WindowCountTest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * STATS.md sections 1 and 2 applied to one send. With the flat profile in UTC, a 24-hour window has
 * exposure 24 and the 28-day baseline 672, so {@code expected = n * 24 / 672 = n / 28}.
 */
class SendEvaluatorTest {
  private static final long HOUR_MS = 3_600_000L;
  private static final long DAY_MS = 24 * HOUR_MS;
  private static final long SENT = Instant.parse("2024-02-01T10:00:00Z").toEpochMilli();
  private static final double EW = 24;
  private static final double EB = 28 * 24;
  private static final SendEvaluator.Settings SETTINGS = new SendEvaluator.Settings(0.05, 28, 7);
  private static final SendEvaluator.Send SEND = new SendEvaluator.Send("s1", "c1", SENT, SENT + DAY_MS, false);
  private static final ToDoubleFunction<String> ALL_ONE = name -> 1.0;

  private static SendEvaluator evaluator(ToDoubleFunction<String> rewards) {
    return new SendEvaluator(SETTINGS, PopulationModel.empty(), rewards);
  }

  /** Seen for 60 days, each name with the same count every day at the hour of the send. */
  private static ContactHistory history(Map<String, Integer> perDay) {
    ContactHistory.Builder b = ContactHistory.builder("c1").firstSeen(SENT - 60 * DAY_MS);
    perDay.forEach((name, count) -> {
      for (int d = 1; d <= 60; d++) b.add(name, SENT - d * DAY_MS, count);
    });
    return b.build(null);
  }

  private static Effect row(SendEvaluator.Result r, String name) {
    return r.effects().stream().filter(e -> e.eventName().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> names(SendEvaluator.Result r) {
    return r.effects().stream().map(Effect::eventName).toList();
  }

  @Test
  void aContactWithoutHistoryHasInsufficientHistoryAndNoEffects() {
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, null, Map.of("open", 3), List.of(SEND));
    assertEquals(SendEvaluator.INSUFFICIENT, r.status());
    assertEquals(List.of(), r.effects());
    assertNull(r.baseline());
  }

  @Test
  void aHistoryShorterThanTheMinimumHasInsufficientHistory() {
    ContactHistory h = ContactHistory.builder("c1").add("open", SENT - 5 * DAY_MS, 3).add("open", SENT - DAY_MS, 1)
        .build(null);
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, h, Map.of("open", 3), List.of());
    assertEquals(SendEvaluator.INSUFFICIENT, r.status());
    assertEquals(List.of(), r.effects());
    // The first event's hour and the next never count (Baseline.FIRST_HOURS_LEFT_OUT).
    assertEquals(5 - 2 / 24.0, r.baseline().days(), 1e-12);

    ContactHistory enough = ContactHistory.builder("c1").add("open", SENT - 7 * DAY_MS - 2 * HOUR_MS, 3).build(null);
    assertEquals(SendEvaluator.EVALUATED, evaluator(ALL_ONE).evaluate(SEND, enough, Map.of(), List.of()).status());
  }

  @Test
  void thereIsOneRowPerNameSeenInTheBaselineOrTheWindowAndTheTotalLast() {
    ContactHistory h = history(Map.of("open", 1, "click", 2));
    Map<String, Integer> window = new LinkedHashMap<>();
    window.put("purchase", 1);
    window.put("open", 2);
    window.put("bounce", 0); // not seen anywhere: no row
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, h, window, List.of());
    assertEquals(SendEvaluator.EVALUATED, r.status());
    assertEquals(List.of("click", "open", "purchase", "*"), names(r));
    assertEquals(0, row(r, "click").observed(), 0);
    assertEquals(2, row(r, "open").observed(), 0);
    assertEquals("UTC", r.zone());
    assertEquals(EW, r.windowExposure(), 1e-9);
  }

  @Test
  void withoutAPriorExpectedIsTheBaselineRateUnderJeffreysPriorTimesTheWindowExposure() {
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, history(Map.of("open", 2)), Map.of("open", 5), List.of());
    Effect open = row(r, "open");
    double phi = r.dispersions().get("open");
    assertEquals((0.5 + 56 / phi) / (EB / phi) * EW, open.expected(), 1e-12); // about 2
    assertEquals(5 / open.expected(), open.rateRatio(), 1e-12);
    assertEquals(WindowCountTest.test(5, 56, EB, EW, null, phi, 0.05).pValue(), open.pValue(), 0);
  }

  @Test
  void aNameSeenOnlyInTheWindowExpectsAlmostNothingAndIsUp() {
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, history(Map.of("open", 1)), Map.of("purchase", 2), List.of());
    Effect purchase = row(r, "purchase");
    assertEquals(0.5 / EB * EW, purchase.expected(), 1e-12); // half an event of prior in 28 days
    assertEquals(2 / purchase.expected(), purchase.rateRatio(), 1e-9);
    assertEquals("up", purchase.verdict());
  }

  @Test
  void withAPriorExpectedIsThePosteriorMeanRateTimesTheWindowExposure() {
    GammaPrior prior = new GammaPrior(0.05, 0.01); // a = 0.25, b = 5
    SendEvaluator evaluator = new SendEvaluator(SETTINGS,
        new PopulationModel(HourOfWeekProfile.flat(), Map.of("open", prior), 100, 10_000), ALL_ONE);
    SendEvaluator.Result r = evaluator.evaluate(SEND, history(Map.of("open", 1, "click", 1)),
        Map.of("open", 3, "click", 3), List.of());
    Effect open = row(r, "open");
    double phi = r.dispersions().get("open");
    assertEquals((0.25 + 28 / phi) / (5 + EB / phi) * EW, open.expected(), 1e-12);
    assertEquals(3 / open.expected(), open.rateRatio(), 1e-12);
    // Every number of the row comes from the same predictive.
    WindowCountTest.Result model = WindowCountTest.test(3, 28, EB, EW, prior, phi, 0.05);
    assertEquals(model.pValue(), open.pValue(), 0);
    assertEquals(model.interval().low(), open.ciLow(), 0);
    assertEquals(model.probIncrease(), open.probIncrease(), 0);
    // "click" has no prior: Jeffreys'.
    double clickPhi = r.dispersions().get("click");
    assertEquals((0.5 + 28 / clickPhi) / (EB / clickPhi) * EW, row(r, "click").expected(), 1e-12);
  }

  @Test
  void theVerdictIsTheDirectionOfTheChangeWhenThePValueIsBelowAlpha() {
    SendEvaluator e = evaluator(ALL_ONE);
    ContactHistory h = history(Map.of("open", 1, "click", 10, "view", 1));
    SendEvaluator.Result r = e.evaluate(SEND, h, Map.of("open", 8, "click", 0, "view", 2), List.of());

    Effect up = row(r, "open"); // 8 where 1 was expected
    assertTrue(up.pValue() < 0.05, up.toString());
    assertEquals("up", up.verdict());

    Effect down = row(r, "click"); // 0 where 10 were expected
    assertEquals(WindowCountTest.test(0, 280, EB, EW, null, r.dispersions().get("click"), 0.05).pValue(), down.pValue(), 0);
    assertTrue(down.pValue() < 0.05, down.toString());
    assertEquals("down", down.verdict());

    Effect none = row(r, "view"); // 2 where 1 was expected: up, but not significantly
    assertTrue(none.pValue() >= 0.05, none.toString());
    assertEquals("none", none.verdict());
  }

  @Test
  void theVerdictFollowsAlpha() {
    ContactHistory h = history(Map.of("open", 1));
    double p = new RateComparison(4, EW, 28, EB).pValue(); // 4 where 1 was expected
    assertTrue(p > 0.01 && p < 0.05, "p = " + p);
    assertEquals("up", evaluator(ALL_ONE).evaluate(SEND, h, Map.of("open", 4), List.of()).effects().get(0).verdict());
    SendEvaluator strict = new SendEvaluator(new SendEvaluator.Settings(0.01, 28, 7), PopulationModel.empty(), ALL_ONE);
    assertEquals("none", strict.evaluate(SEND, h, Map.of("open", 4), List.of()).effects().get(0).verdict());
  }

  @Test
  void anEarlierDeliveredSendWhoseWindowCoversTheSendIsTheOverlap() {
    SendEvaluator.Send earlier = new SendEvaluator.Send("s0", "c1", SENT - 2 * HOUR_MS, SENT + 22 * HOUR_MS, false);
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, history(Map.of("open", 1)), Map.of(), List.of(earlier, SEND));
    assertEquals("s0", r.overlapsSendId());
    // Its window is left out of the baseline: the two hours before the send.
    assertEquals(28 - 2 / 24.0, r.baseline().days(), 1e-12);
    assertEquals(EB - 2, r.baseline().exposure(), 1e-9);
  }

  @Test
  void theLatestOfSeveralOverlappingEarlierSendsIsTheOverlapWhateverTheirOrder() {
    SendEvaluator.Send first = new SendEvaluator.Send("s0", "c1", SENT - 5 * HOUR_MS, SENT + HOUR_MS, false);
    SendEvaluator.Send a = new SendEvaluator.Send("sa", "c1", SENT - 2 * HOUR_MS, SENT + HOUR_MS, false);
    SendEvaluator.Send b = new SendEvaluator.Send("sb", "c1", SENT - 2 * HOUR_MS, SENT + HOUR_MS, false);
    ContactHistory h = history(Map.of("open", 1));
    SendEvaluator e = evaluator(ALL_ONE);
    assertEquals("sb", e.evaluate(SEND, h, Map.of(), List.of(first, a, b)).overlapsSendId());
    assertEquals("sb", e.evaluate(SEND, h, Map.of(), List.of(b, a, first)).overlapsSendId());
    assertEquals("sb", e.evaluate(SEND, h, Map.of(), List.of(a, b, first)).overlapsSendId());
    assertEquals("sb", e.evaluate(SEND, h, Map.of(), List.of(b, first, a)).overlapsSendId());
  }

  @Test
  void anEarlierHoldoutSendIsNeitherTheOverlapNorLeftOutOfTheBaseline() {
    SendEvaluator.Send holdout = new SendEvaluator.Send("s0", "c1", SENT - 2 * HOUR_MS, SENT + 22 * HOUR_MS, true);
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, history(Map.of("open", 1)), Map.of(), List.of(holdout));
    assertNull(r.overlapsSendId());
    assertEquals(28, r.baseline().days(), 1e-12);
    assertEquals(EB, r.baseline().exposure(), 1e-9);
  }

  @Test
  void aLaterSendIsNeitherTheOverlapNorLeftOut() {
    SendEvaluator.Send later = new SendEvaluator.Send("s2", "c1", SENT + HOUR_MS, SENT + 25 * HOUR_MS, false);
    SendEvaluator.Send sameTimeLaterId = new SendEvaluator.Send("s9", "c1", SENT, SENT + DAY_MS, false);
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, history(Map.of("open", 1)), Map.of(),
        List.of(later, sameTimeLaterId, SEND));
    assertNull(r.overlapsSendId());
    assertEquals(28, r.baseline().days(), 1e-12);
  }

  @Test
  void anEarlierSendWhoseWindowClosedIsLeftOutButIsNoOverlap() {
    // Sent five days before at 09:30, window until 13:00: hours 09 to 12 are left out, with their events.
    SendEvaluator.Send earlier = new SendEvaluator.Send("s0", "c1", SENT - 5 * DAY_MS - 30 * 60_000,
        SENT - 5 * DAY_MS + 3 * HOUR_MS, false);
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, history(Map.of("open", 1)), Map.of("open", 1),
        List.of(earlier));
    assertNull(r.overlapsSendId());
    assertEquals(28 - 4 / 24.0, r.baseline().days(), 1e-12);
    assertEquals(27, r.baseline().count("open")); // the event at 10:00 that day is left out
    double phi = r.dispersions().get("open");
    assertEquals((0.5 + 27 / phi) / ((EB - 4) / phi) * EW, row(r, "open").expected(), 1e-12);
  }

  @Test
  void theTotalAddsTheRowsAndIsJudgedAgainstTheSumOfTheirPredictives() {
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, history(Map.of("open", 1, "click", 2)),
        Map.of("open", 5, "click", 3), List.of());
    Effect total = r.effects().get(r.effects().size() - 1);
    assertEquals(Effect.TOTAL, total.eventName());
    assertEquals(8, total.observed(), 0);
    assertEquals(row(r, "open").expected() + row(r, "click").expected(), total.expected(), 1e-9); // about 3
    assertEquals(8 / total.expected(), total.rateRatio(), 1e-9);
    assertTrue(total.pValue() < 0.05, total.toString());
    assertEquals("up", total.verdict());
    assertTrue(total.ciLow() > 1 && total.probIncrease() > 0.975, total.toString());
  }

  @Test
  void aNameWithRewardZeroIsLeftOutOfTheTotal() {
    ToDoubleFunction<String> rewards = name -> name.equals("click") ? 0 : 1;
    SendEvaluator.Result r = evaluator(rewards).evaluate(SEND, history(Map.of("open", 1, "click", 2)),
        Map.of("open", 5, "click", 30), List.of());
    Effect total = row(r, Effect.TOTAL);
    assertEquals(5, total.observed(), 0);
    assertEquals(row(r, "open").expected(), total.expected(), 1e-9);
    // The name keeps its own row.
    assertEquals(30, row(r, "click").observed(), 0);
  }

  @Test
  void mixedRewardsWeighEachNameAndTheVerdictTheIntervalAndTheProbabilityAgree() {
    ToDoubleFunction<String> rewards = name -> switch (name) {
      case "purchase" -> 10;
      case "unsubscribe" -> -1;
      default -> 1;
    };
    // Expected: purchase about 1, app_open about 10, unsubscribe about 1.
    ContactHistory h = history(Map.of("purchase", 1, "app_open", 10, "unsubscribe", 1));
    SendEvaluator.Result up = evaluator(rewards).evaluate(SEND, h,
        Map.of("purchase", 3, "app_open", 15, "unsubscribe", 0), List.of());
    Effect total = row(up, Effect.TOTAL);
    assertEquals(10 * 3 + 15 - 0, total.observed(), 1e-12);
    double expected = 10 * row(up, "purchase").expected() + row(up, "app_open").expected() - row(up, "unsubscribe").expected();
    assertEquals(expected, total.expected(), 1e-9);
    assertEquals("up", total.verdict());
    assertTrue(total.pValue() < 0.05 && total.ciLow() > 1 && total.probIncrease() > 0.975, total.toString());

    SendEvaluator.Result down = evaluator(rewards).evaluate(SEND, h,
        Map.of("purchase", 0, "app_open", 0, "unsubscribe", 5), List.of());
    Effect fell = row(down, Effect.TOTAL);
    assertEquals(-5, fell.observed(), 1e-12);
    assertEquals("down", fell.verdict());
    assertTrue(fell.pValue() < 0.05 && fell.ciHigh() < 1 && fell.probIncrease() < 0.025, fell.toString());

    SendEvaluator.Result steady = evaluator(rewards).evaluate(SEND, h,
        Map.of("purchase", 1, "app_open", 11, "unsubscribe", 1), List.of());
    Effect same = row(steady, Effect.TOTAL);
    assertEquals(20, same.observed(), 1e-12);
    assertTrue(same.pValue() > 0.5 && same.pValue() <= 1, "p = " + same.pValue());
    assertEquals("none", same.verdict());
    assertTrue(same.ciLow() <= 1 && same.ciHigh() >= 1, same.toString());
  }

  /** Negative rewards that outweigh the positive ones: no ratio is read from a negative expected count. */
  @Test
  void aNegativeExpectedTotalHasNoRatioAndNoInterval() {
    ToDoubleFunction<String> rewards = name -> name.equals("unsubscribe") ? -50 : 1;
    SendEvaluator.Result r = evaluator(rewards).evaluate(SEND, history(Map.of("open", 1, "unsubscribe", 1)),
        Map.of("open", 1, "unsubscribe", 3), List.of());
    Effect total = row(r, Effect.TOTAL);
    assertTrue(total.expected() < 0, total.toString());
    assertTrue(Double.isNaN(total.rateRatio()) && Double.isNaN(total.ciLow()) && Double.isNaN(total.ciHigh()), total.toString());
    assertTrue(total.pValue() > 0 && total.pValue() <= 1 && total.probIncrease() >= 0 && total.probIncrease() <= 1);
  }

  @Test
  void withNoRewardedNameTheTotalIsZeroWithPValueOne() {
    SendEvaluator.Result r = evaluator(name -> 0).evaluate(SEND, history(Map.of("open", 1)), Map.of("open", 9), List.of());
    assertEquals(List.of("open", "*"), names(r));
    Effect total = row(r, Effect.TOTAL);
    assertEquals(0, total.observed(), 0);
    assertEquals(0, total.expected(), 0);
    assertEquals(1, total.pValue(), 0);
    assertEquals("none", total.verdict());
    assertEquals("up", row(r, "open").verdict());
  }

  @Test
  void effectJsonHasNullsWhereNumbersDoNotExistAndReadsBack() {
    Effect e = new Effect("open", 3, 0, Double.NaN, 1.5, Double.POSITIVE_INFINITY, 0.0123, 0.99, "up");
    JsonObject j = e.toJson();
    assertTrue(j.containsKey("rate_ratio"));
    assertNull(j.getValue("rate_ratio"));
    assertNull(j.getValue("ci_high"));
    assertEquals(1.5, j.getDouble("ci_low"), 0);
    Effect back = Effect.fromJson(new JsonObject(j.encode()));
    assertTrue(Double.isNaN(back.rateRatio()));
    assertTrue(Double.isNaN(back.ciHigh())); // an unbounded end reads back as unknown
    assertEquals(e.ciLow(), back.ciLow(), 0);
    assertEquals(e.pValue(), back.pValue(), 0);
    assertEquals("up", back.verdict());

    Effect finite = new Effect("*", 45, 19, 45 / 19.0, 1.2, 3.5, 0.015, 0.99, "up");
    Effect read = Effect.fromJson(new JsonObject(finite.toJson().encode()));
    assertEquals(finite.eventName(), read.eventName());
    assertEquals(finite.rateRatio(), read.rateRatio(), 1e-11 * finite.rateRatio());
    assertEquals(new Effect("*", 45, 19, read.rateRatio(), 1.2, 3.5, 0.015, 0.99, "up"), read);
    assertEquals(read, Effect.fromJson(read.toJson()));
  }

  @Test
  void aLaterSendInsideTheWindowMarksItAsOverlapped() {
    SendEvaluator.Send later = new SendEvaluator.Send("s2", "c1", SENT + 5 * HOUR_MS, SENT + 29 * HOUR_MS, false);
    SendEvaluator.Send laterHoldout = new SendEvaluator.Send("s3", "c1", SENT + 2 * HOUR_MS, SENT + 26 * HOUR_MS, true);
    SendEvaluator.Send afterTheWindow = new SendEvaluator.Send("s4", "c1", SENT + DAY_MS, SENT + 2 * DAY_MS, false);
    SendEvaluator e = evaluator(ALL_ONE);
    SendEvaluator.Result r = e.evaluate(SEND, history(Map.of("open", 1)), Map.of(), List.of(SEND, later, laterHoldout, afterTheWindow));
    assertEquals("s2", r.overlappedBySendId());
    assertTrue(r.overlapping());
    SendEvaluator.Result alone = e.evaluate(SEND, history(Map.of("open", 1)), Map.of(), List.of(SEND, laterHoldout, afterTheWindow));
    assertNull(alone.overlappedBySendId());
    assertTrue(!alone.overlapping());
  }

  /**
   * A New York contact with no zone anywhere, unchanged: read in UTC against the population's local
   * profile, a send at 23:00 New York time (04:00 UTC) expects the morning's activity of a UTC contact,
   * several times what the night holds; placed by its own hours it reads as its zone-aware twin does.
   */
  @Test
  void aContactWithoutAZoneIsPlacedByItsOwnHours() {
    double[] weights = new double[168];
    for (int h = 0; h < 168; h++) weights[h] = h % 24 >= 8 && h % 24 < 22 ? 3 : 0.2;
    HourOfWeekProfile profile = HourOfWeekProfile.of(weights);
    PopulationModel model = new PopulationModel(profile, Map.of(), 100, 100_000);
    java.time.ZoneId newYork = java.time.ZoneId.of("America/New_York");
    long sent = Instant.parse("2024-02-01T04:00:00Z").toEpochMilli(); // 23:00 in New York
    ContactHistory.Builder withZone = ContactHistory.builder("c1").firstSeen(sent - 40 * DAY_MS);
    ContactHistory.Builder without = ContactHistory.builder("c1").firstSeen(sent - 40 * DAY_MS);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    for (long t = sent - 40 * DAY_MS; t < sent; t += HOUR_MS) {
      double mean = 0.4 * weights[HourOfWeekProfile.hourOfWeek(t, newYork)];
      int count = 0;
      for (double u = -Math.log(1 - rng.nextDouble()); u < mean; u += -Math.log(1 - rng.nextDouble())) count++;
      if (count == 0) continue;
      withZone.add("open", t, count, "America/New_York");
      without.add("open", t, count);
    }
    SendEvaluator e = new SendEvaluator(SETTINGS, model, ALL_ONE);
    SendEvaluator.Send send = new SendEvaluator.Send("s1", "c1", sent, sent + 6 * HOUR_MS, false);
    Effect known = row(e.evaluate(send, withZone.build(null), Map.of("open", 1), List.of()), "open");
    SendEvaluator.Result placed = e.evaluate(send, without.build(null), Map.of("open", 1), List.of());
    assertEquals("-05:00", placed.zone());
    assertEquals(known.expected(), row(placed, "open").expected(), 0.02 * known.expected());
    // What reading it in UTC would give: the window at 14:00-20:00 "local", the baseline's busy hours shifted.
    HourOfWeekProfile p = model.profile();
    Baseline utc = Baseline.of(without.build(null), sent, List.of(), p, 28);
    double utcExpected = (double) utc.count("open") / utc.exposure() * p.exposure(java.time.ZoneOffset.UTC, sent, sent + 6 * HOUR_MS);
    assertTrue(utcExpected > 2 * known.expected(), "UTC " + utcExpected + " vs " + known.expected());
  }

  /** The heavy buyer of a rare item reads its own rate, not the population's (rate ratio 12.5 when pooled fully). */
  @Test
  void aHeavyBuyerOfARareItemWithoutChangeIsNotUp() {
    GammaPrior rare = new GammaPrior(0.0002, 0).withRateAtMost(0.25 * EB);
    SendEvaluator e = new SendEvaluator(SETTINGS, new PopulationModel(HourOfWeekProfile.flat(), Map.of("buy", rare), 100, 10_000),
        ALL_ONE);
    ContactHistory.Builder b = ContactHistory.builder("c1").firstSeen(SENT - 60 * DAY_MS);
    for (int d = 1; d <= 28; d += 2) b.add("buy", SENT - d * DAY_MS, 1); // fourteen purchases in 28 days
    Effect buy = row(e.evaluate(SEND, b.build(null), Map.of("buy", 1), List.of()), "buy"); // one in a day: its own rate 0.5
    assertEquals("none", buy.verdict(), buy.toString());
    assertTrue(buy.rateRatio() < 3 && buy.ciLow() < 1, buy.toString());
  }

  /**
   * Ten opens a day for fifty days, then nothing for the eight days before the send: the contact
   * stopped. Against its 28 days it would expect seven opens in the window and read every send
   * "down"; measured against its silence it expects almost nothing.
   */
  @Test
  void aContactThatStoppedIsMeasuredAgainstItsSilence() {
    ContactHistory.Builder b = ContactHistory.builder("c1").firstSeen(SENT - 60 * DAY_MS);
    for (int d = 9; d <= 60; d++) b.add("open", SENT - d * DAY_MS, 10);
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, b.build(null), Map.of(), List.of());
    assertEquals(SendEvaluator.EVALUATED, r.status());
    assertEquals(SENT - 9 * DAY_MS + HOUR_MS, r.baseline().fromMillis());
    assertEquals(0, r.baseline().total());
    Effect open = row(r, "open");
    assertTrue(open.expected() < 0.2, open.toString());
    assertEquals("none", open.verdict(), open.toString());
  }

  /**
   * Ten events in one hour every other day: the gap since the latest burst holds ten events at its mean
   * rate, unlikely for a steady contact, ordinary for one whose counts vary this much from day to day.
   * Its baseline stays the 28 days.
   */
  @Test
  void aContactActiveEveryOtherDayIsNotTakenForLapsedBetweenItsDays() {
    ContactHistory.Builder b = ContactHistory.builder("c1").firstSeen(SENT - 60 * DAY_MS);
    for (int d = 2; d <= 60; d += 2) b.add("open", SENT - d * DAY_MS, 10);
    SendEvaluator.Result r = evaluator(ALL_ONE).evaluate(SEND, b.build(null), Map.of("open", 10), List.of());
    assertEquals(SENT - 28 * DAY_MS, r.baseline().fromMillis());
    assertEquals(140, r.baseline().count("open"));
  }
}
