package dev.shiftlens.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.stats.GammaPrior;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** STATS.md section 2 and the exposure profile, fitted on synthetic populations whose truth is known. */
class PopulationModelTest {
  private static final long HOUR_MS = 3_600_000L;
  private static final long WEEK_MS = 168 * HOUR_MS;
  /** A Monday, 00:00 UTC; the fit covers the four weeks from here. */
  private static final long FROM = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  private static final long TO = FROM + 4 * WEEK_MS;
  /** Events per local hour of the week: 1 at night, 4 from 09:00 to 21:00, 2 more all weekend. Sum 516. */
  private static final int[] PATTERN = pattern();

  private static int[] pattern() {
    int[] t = new int[168];
    for (int h = 0; h < 168; h++) t[h] = (h % 24 >= 9 && h % 24 < 21 ? 4 : 1) + (h >= 120 ? 2 : 0);
    return t;
  }

  /**
   * A contact living {@code offsetHours} east of UTC whose "open" events follow the pattern (times
   * {@code scale}) in its local hours, from a week before the fit to a week after it.
   */
  private static ContactHistory contact(String id, String zone, int offsetHours, int scale) {
    ContactHistory.Builder b = ContactHistory.builder(id);
    for (int i = -168; i < 5 * 168; i++) {
      int local = Math.floorMod(i + offsetHours, 168); // FROM is local hour offsetHours of the week
      b.add("open", FROM + i * HOUR_MS, PATTERN[local] * scale);
    }
    return b.build(zone);
  }

  private static List<ContactHistory> utcContacts(int n) {
    List<ContactHistory> sample = new ArrayList<>();
    for (int i = 0; i < n; i++) sample.add(contact("c" + i, "UTC", 0, 1));
    return sample;
  }

  @Test
  void contactsSharingAKnownProfileGiveItBack() {
    PopulationModel m = PopulationModel.fit(utcContacts(10), FROM, TO);
    assertEquals(10, m.contacts());
    assertEquals(10 * 4 * 516, m.events());
    double meanPattern = 516 / 168.0;
    for (int h = 0; h < 168; h++) {
      double truth = PATTERN[h] / meanPattern;
      assertEquals(truth, m.profile().weight(h), 0.01, "hour " + h);
      // Exactly the smoothed counts: a = 1% of the mean count, so s = (t/mean(t) + 0.01) / 1.01.
      assertEquals((truth + 0.01) / 1.01, m.profile().weight(h), 1e-12, "hour " + h);
    }
  }

  @Test
  void eventsArePlacedInTheHoursOfEachContactsOwnZone() {
    List<ContactHistory> oneZone = List.of(contact("a", "UTC", 0, 1), contact("b", "UTC", 0, 2));
    List<ContactHistory> twoZones = List.of(contact("a", "Asia/Tokyo", 9, 1), contact("b", "UTC", 0, 2));
    double[] expected = PopulationModel.fit(oneZone, FROM, TO).profile().weights();
    assertArrayEquals(expected, PopulationModel.fit(twoZones, FROM, TO).profile().weights(), 1e-12);
    assertTrue(expected[12] > 2 * expected[3], "the profile should not be flat");

    // Read in UTC, the Tokyo contact's busy hours would land nine hours early: a different profile.
    ContactHistory tokyoReadAsUtc = contact("a", "UTC", 9, 1);
    double[] wrong = PopulationModel.fit(List.of(tokyoReadAsUtc, contact("b", "UTC", 0, 2)), FROM, TO)
        .profile().weights();
    assertTrue(Math.abs(wrong[3] - expected[3]) > 0.1, "hour 3: " + wrong[3] + " vs " + expected[3]);
  }

  @Test
  void onlyEventsInsideTheFitPeriodCount() {
    // Events a week before and after the period are in the histories but not in the count.
    assertEquals(4 * 516, PopulationModel.fit(utcContacts(1), FROM, TO).events());
    assertEquals(516, PopulationModel.fit(utcContacts(1), FROM, FROM + WEEK_MS).events());
  }

  @Test
  void belowFiveHundredEventsTheProfileStaysFlat() {
    ContactHistory few = ContactHistory.builder("a").add("open", FROM + 3 * HOUR_MS, 499).firstSeen(FROM - WEEK_MS).build("UTC");
    PopulationModel m = PopulationModel.fit(List.of(few), FROM, TO);
    assertEquals(499, m.events());
    for (int h = 0; h < 168; h++) assertEquals(1, m.profile().weight(h), 0, "hour " + h);

    ContactHistory enough = ContactHistory.builder("a").add("open", FROM + 3 * HOUR_MS, 500).firstSeen(FROM - WEEK_MS).build("UTC");
    assertTrue(PopulationModel.fit(List.of(enough), FROM, TO).profile().weight(3) > 100);
  }

  @Test
  void contactsWithDifferentRatesGiveAPriorWithSpread() {
    List<ContactHistory> sample = new ArrayList<>();
    for (int i = 1; i <= 10; i++) sample.add(contact("c" + i, "UTC", 0, i));
    GammaPrior prior = PopulationModel.fit(sample, FROM, TO).prior("open");
    // Contact i: 2064 i events in 672 hours of exposure (four whole weeks weigh 672 under any profile).
    double m = 2064.0 * 55 / 6720;
    assertEquals(m, prior.mean(), 1e-9);
    // phi = sum e (r_i - m)^2 / sum e - m / mean(e); the rates 2064 i / 672 have variance 8.25 (2064 / 672)^2.
    assertEquals(8.25 * (2064 / 672.0) * (2064 / 672.0) - m / 672, prior.phi(), 1e-6);
    assertTrue(prior.phi() > 0);
    assertFalse(prior.pooled());
  }

  @Test
  void contactsWithTheSameRateAreNeverPooledFullyThePriorWeighsAQuarterOfTheirExposure() {
    GammaPrior prior = PopulationModel.fit(utcContacts(10), FROM, TO).prior("open");
    assertEquals(2064 / 672.0, prior.mean(), 1e-9);
    assertFalse(prior.pooled());
    assertEquals(0.25 * 672, prior.rate(), 1e-9);
  }

  @Test
  void aContactWithoutANameCountsAsZeroForIt() {
    List<ContactHistory> sample = new ArrayList<>(utcContacts(9));
    sample.add(ContactHistory.builder("p").add("purchase", FROM + 30 * HOUR_MS, 5).firstSeen(FROM - WEEK_MS).build("UTC"));
    GammaPrior prior = PopulationModel.fit(sample, FROM, TO).prior("purchase");
    double[] y = {0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    double[] e = new double[10];
    java.util.Arrays.fill(e, 672);
    GammaPrior direct = GammaPrior.fit(y, e).withRateAtMost(0.25 * 672);
    assertEquals(direct.mean(), prior.mean(), 1e-15);
    assertEquals(direct.phi(), prior.phi(), 1e-15);
    assertEquals(5 / 6720.0, prior.mean(), 1e-15);
    assertTrue(prior.phi() > 0);
  }

  @Test
  void contactsSeenForLessThanADayAreLeftOutOfThePriorsButNotOfTheProfile() {
    List<ContactHistory> sample = new ArrayList<>(utcContacts(5));
    GammaPrior without = PopulationModel.fit(sample, FROM, TO).prior("open");
    // Seen for the last 10 hours of the period, a Sunday afternoon and evening: about 17 hours of exposure.
    sample.add(ContactHistory.builder("new").add("open", TO - 10 * HOUR_MS, 50).add("open", TO - 5 * HOUR_MS, 7).build("UTC"));
    PopulationModel m = PopulationModel.fit(sample, FROM, TO);
    assertEquals(without.mean(), m.prior("open").mean(), 1e-12);
    assertEquals(without.phi(), m.prior("open").phi(), 1e-12);
    assertEquals(6, m.contacts());
    assertEquals(5 * 2064 + 7, m.events()); // the first event's hour never counts
  }

  @Test
  void aNameWithNoEventInThePeriodGetsNoPriorAndOneContactGivesNoPriors() {
    List<ContactHistory> sample = new ArrayList<>(utcContacts(3));
    sample.add(ContactHistory.builder("old").add("open", FROM, 1).add("bounce", FROM - WEEK_MS, 3).build("UTC"));
    PopulationModel m = PopulationModel.fit(sample, FROM, TO);
    assertNull(m.prior("bounce"));
    assertTrue(m.prior("open") != null);
    assertTrue(PopulationModel.fit(utcContacts(1), FROM, TO).priors().isEmpty());
  }

  @Test
  void theEmptyModelIsFlatWithoutPriors() {
    PopulationModel m = PopulationModel.empty();
    assertEquals(1, m.profile().weight(42), 0);
    assertTrue(m.priors().isEmpty());
    assertEquals(0, m.contacts());
  }

  /**
   * A campaign sent every day at 09:00 UTC for six hours to three contacts of ten, which doubles their
   * activity: fitted on every hour, the profile reads 09:00-15:00 as busier than it is and hides the
   * campaign's own effect; with the response windows left out it is the population's own rhythm.
   */
  @Test
  void theProfileIsFittedOutsideResponseWindowsSoACampaignDoesNotTeachItsOwnHour() {
    List<ContactHistory> sample = new ArrayList<>();
    Map<String, List<Baseline.Span>> windows = new java.util.HashMap<>();
    for (int i = 0; i < 10; i++) {
      boolean campaign = i < 3;
      ContactHistory.Builder b = ContactHistory.builder("c" + i);
      List<Baseline.Span> spans = new ArrayList<>();
      for (int t = -168; t < 5 * 168; t++) {
        int local = Math.floorMod(t, 168);
        boolean inWindow = campaign && local % 24 >= 9 && local % 24 < 15;
        b.add("open", FROM + t * HOUR_MS, PATTERN[local] * (inWindow ? 2 : 1));
        if (campaign && local % 24 == 9) spans.add(new Baseline.Span(FROM + t * HOUR_MS, FROM + (t + 6) * HOUR_MS));
      }
      sample.add(b.build("UTC"));
      if (campaign) windows.put("c" + i, spans);
    }
    PopulationModel all = PopulationModel.fit(sample, FROM, TO);
    PopulationModel outside = PopulationModel.fit(sample, windows, FROM, TO);
    PopulationModel truth = PopulationModel.fit(utcContacts(10), FROM, TO);
    double hour10 = truth.profile().weight(10);
    assertTrue(all.profile().weight(10) > 1.15 * hour10, "fitted on every hour: " + all.profile().weight(10) + " vs " + hour10);
    assertEquals(hour10, outside.profile().weight(10), 0.01 * hour10);
  }

  /**
   * The campaign's contacts are the heavy ones here: three contacts five times as active as the seven
   * others, sent to every day at 09:00 UTC for six hours. With their windows left out, events over
   * contact-hours read 09:00-15:00 at the light contacts' level and every other hour at everyone's, so
   * those hours came out at less than half their weight. Read as contact level times hour weight, each
   * contact at its own level wherever it counts, the profile is the population's rhythm again.
   */
  @Test
  void contactsLeftOutOfSomeHoursDoNotMoveThoseHoursWeightWhateverTheirLevel() {
    List<ContactHistory> sample = new ArrayList<>();
    Map<String, List<Baseline.Span>> windows = new java.util.HashMap<>();
    for (int i = 0; i < 10; i++) {
      boolean campaign = i < 3;
      sample.add(contact("c" + i, "UTC", 0, campaign ? 5 : 1));
      if (!campaign) continue;
      List<Baseline.Span> spans = new ArrayList<>();
      for (int day = -7; day < 35; day++) {
        long start = FROM + (day * 24L + 9) * HOUR_MS;
        spans.add(new Baseline.Span(start, start + 6 * HOUR_MS));
      }
      windows.put("c" + i, spans);
    }
    PopulationModel fitted = PopulationModel.fit(sample, windows, FROM, TO);
    PopulationModel truth = PopulationModel.fit(utcContacts(10), FROM, TO);
    for (int h = 0; h < 168; h++) {
      assertEquals(truth.profile().weight(h), fitted.profile().weight(h), 1e-6 * truth.profile().weight(h), "hour " + h);
    }
  }

  /**
   * A rare event: most contacts never do it, and the method of moments finds no spread (full pooling),
   * which reads a heavy buyer by the population's rate. The prior is never pooled fully: it weighs at most
   * a quarter of a typical contact's exposure, so a buyer with twenty purchases keeps most of its own rate.
   */
  @Test
  void aRareEventsPriorIsNeverPooledSoAHeavyBuyerKeepsItsOwnRate() {
    List<ContactHistory> sample = new ArrayList<>(utcContacts(500));
    for (int i = 0; i < 20; i++) {
      // One purchase each for twenty contacts, spread evenly: no more spread than Poisson noise.
      sample.set(i, ContactHistory.builder("b" + i).add("open", FROM + HOUR_MS, 1).add("buy", FROM + (10 + i * 30) * HOUR_MS, 1)
          .firstSeen(FROM - WEEK_MS).build("UTC"));
    }
    GammaPrior prior = PopulationModel.fit(sample, FROM, TO).prior("buy");
    assertEquals(0, GammaPrior.fit(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 0, 0}, new double[] {672, 672, 672, 672, 672, 672,
        672, 672, 672, 672}).phi(), 0, "the method of moments alone pools fully");
    assertFalse(prior.pooled());
    assertTrue(prior.rate() <= 0.25 * 672 + 1e-9, prior.toString());
    // A heavy buyer: twenty purchases in the 672 hours of its baseline.
    double own = 20 / 672.0;
    assertTrue(prior.posteriorMean(20, 672) > 0.75 * own, "shrunk to " + prior.posteriorMean(20, 672) / own + " of its own rate");
  }

  /**
   * Contacts sent to but no longer active (seen before the period, no event in it) are part of the
   * population the engine evaluates: the prior counts them as zeros, not only the active contacts.
   */
  @Test
  void lapsedContactsEnterThePriorsAsZeros() {
    List<ContactHistory> sample = new ArrayList<>(utcContacts(5));
    GammaPrior active = PopulationModel.fit(sample, FROM, TO).prior("open");
    for (int i = 0; i < 5; i++) {
      sample.add(ContactHistory.builder("lapsed" + i).add("open", FROM - 3 * WEEK_MS, 4).build("UTC"));
    }
    PopulationModel m = PopulationModel.fit(sample, FROM, TO);
    assertEquals(10, m.contacts());
    assertEquals(active.mean() / 2, m.prior("open").mean(), 1e-9);
  }
}
