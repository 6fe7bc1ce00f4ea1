package dev.shiftlens.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The behaviors beyond the plain demo: each departure from Poisson data is there, and the truth. */
class RealisticDataTest {
  private static final Instant ANCHOR = Instant.parse("2026-03-31T12:00:00Z");
  private static final DemoSpec REALISTIC = new DemoSpec(11, 3000, 90, ANCHOR, Behavior.REALISTIC);

  private static DemoDataset realistic;
  private static double realisticCpuSeconds;
  /** Per contact id, what one pass over the realistic events saw. */
  private static final Map<String, Seen> seen = new HashMap<>();
  private static long realisticEvents;

  /** One contact's events, summed up so that a million of them need not be held. */
  private static final class Seen {
    long events;
    long withZone;
    long rare;
    Instant last;
  }

  @BeforeAll
  static void generate() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    realistic = DemoGenerator.generate(REALISTIC);
    for (DemoEvent e : realistic.events()) {
      Seen s = seen.computeIfAbsent(e.contactId(), id -> new Seen());
      s.events++;
      s.withZone += e.timezone() == null ? 0 : 1;
      s.rare += e.eventName().equals(DemoCatalog.RARE_EVENT) ? 1 : 0;
      s.last = e.timestamp();
      realisticEvents++;
    }
    realisticCpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
  }

  @Test
  void realisticDataAreGeneratedAndIteratedQuickly() {
    // CPU time of this thread, not the clock: the machine may be busy with other work.
    assertTrue(realisticCpuSeconds < 30,
        "3000 contacts x 90 days took " + realisticCpuSeconds + " s of CPU");
    assertEquals(realistic.eventCount(), realisticEvents);
    assertTrue(realisticEvents > 500_000, "events: " + realisticEvents);
  }

  @Test
  void sameSpecGivesSameRealisticDataset() {
    DemoSpec spec = new DemoSpec(3, 150, 90, ANCHOR, Behavior.REALISTIC);
    DemoDataset one = DemoGenerator.generate(spec);
    DemoDataset two = DemoGenerator.generate(spec);
    assertEquals(one.contacts(), two.contacts());
    assertEquals(one.sends(), two.sends());
    assertEquals(one.truth(), two.truth());
    assertEquals(list(one.events()), list(one.events()));
    assertEquals(list(one.events()), list(two.events()));
  }

  @Test
  void aRealisticSpanMustHoldSixtyDaysOfSendsAfterFourWeeks() {
    assertThrows(IllegalArgumentException.class,
        () -> new DemoSpec(1, 10, 87, ANCHOR, Behavior.REALISTIC));
    assertEquals(ANCHOR.minus(Duration.ofDays(60)),
        new DemoSpec(1, 10, 88, ANCHOR, Behavior.REALISTIC).sendsFrom());
  }

  @Test
  void sessionsMakeHourlyCountsOverdispersedAtTheSameMeanRate() {
    DemoDataset poisson = DemoGenerator.generate(new DemoSpec(7, 400, 35, ANCHOR));
    DemoDataset bursty = DemoGenerator.generate(new DemoSpec(7, 400, 35, ANCHOR,
        Behavior.BURSTY));
    // The same contacts and sends: only the events differ.
    assertEquals(poisson.contacts(), bursty.contacts());
    assertEquals(poisson.sends(), bursty.sends());
    for (String name : List.of("app_open", "view_item")) {
      double plain = dispersion(poisson, name);
      double sessions = dispersion(bursty, name);
      assertTrue(plain > 0.9 && plain < 1.1, name + " Poisson dispersion " + plain);
      assertTrue(sessions > 1.5, name + " dispersion with sessions " + sessions);
    }
    for (DemoDataset d : List.of(poisson, bursty, realistic)) {
      double ratio = d.eventCount() / d.truth().expectedEvents();
      assertTrue(Math.abs(ratio - 1) < 0.03,
          d.spec().behavior().name() + ": events / expected " + ratio);
    }
  }

  @Test
  void realisticContactsGetFrequentSendsWhoseWindowsOverlap() {
    Map<String, List<DemoSend>> byContact = new HashMap<>();
    long random = 0;
    for (DemoSend s : realistic.sends()) {
      byContact.computeIfAbsent(s.contactId(), k -> new ArrayList<>()).add(s);
      random += s.messageId().equals("daily_digest") ? 0 : 1;
      assertFalse(s.sentAt().isBefore(REALISTIC.sendsFrom()), s.toString());
      assertTrue(s.windowEnd().isBefore(ANCHOR), s.toString());
    }
    double perContact = (double) random / REALISTIC.contacts();
    assertTrue(perContact >= 20, "sends per contact besides the campaign: " + perContact);
    long overlapping = 0;
    for (List<DemoSend> sends : byContact.values()) {
      Instant busyUntil = Instant.MIN;
      for (DemoSend s : sends) {
        overlapping += s.sentAt().isBefore(busyUntil) ? 1 : 0;
        busyUntil = busyUntil.isAfter(s.windowEnd()) ? busyUntil : s.windowEnd();
      }
    }
    assertTrue(overlapping > realistic.sends().size() / 20,
        "sends starting in an earlier window: " + overlapping + " of " + realistic.sends().size());
  }

  @Test
  void theDailyCampaignGoesOutAtEightLocalEveryDayToThirtyPercent() {
    assertTrue(realistic.truth().message("daily_digest").isPresent());
    assertFalse(DemoGenerator.generate(new DemoSpec(7, 20, 35, ANCHOR)).truth()
        .message("daily_digest").isPresent());
    Map<String, Set<LocalDate>> days = new HashMap<>();
    for (DemoSend s : realistic.sends()) {
      if (!s.messageId().equals("daily_digest")) {
        continue;
      }
      assertEquals("push", s.channel());
      ZonedDateTime local = s.sentAt().atZone(ZoneId.of(realistic.truth().zones()
          .get(s.contactId())));
      assertEquals(8, local.getHour(), s.toString());
      assertEquals(0, local.getMinute(), s.toString());
      assertTrue(days.computeIfAbsent(s.contactId(), k -> new HashSet<>())
          .add(local.toLocalDate()), "two on one day: " + s);
    }
    double share = (double) days.size() / REALISTIC.contacts();
    assertTrue(share > 0.25 && share < 0.35, "share of contacts in the campaign: " + share);
    for (var e : days.entrySet()) {
      // Every day of the 60 but possibly the first and the last, whose 08:00 may fall outside.
      assertTrue(e.getValue().size() >= 58, e.getKey() + " got " + e.getValue().size());
      LocalDate first = e.getValue().stream().min(LocalDate::compareTo).orElseThrow();
      LocalDate last = e.getValue().stream().max(LocalDate::compareTo).orElseThrow();
      assertEquals(first.datesUntil(last.plusDays(1)).count(), e.getValue().size(),
          e.getKey() + " skipped a day");
    }
  }

  @Test
  void theRareEventHappensToAboutOneContactInFiveHundredAWeek() {
    long rare = seen.values().stream().mapToLong(s -> s.rare).sum();
    double perContactWeek = rare / (REALISTIC.contacts() * REALISTIC.days() / 7.0);
    assertTrue(perContactWeek > 0.6 / 500 && perContactWeek < 1.4 / 500,
        "rare events per contact-week: " + perContactWeek + " (" + rare + " events)");
    assertTrue(realistic.truth().ratePerDay().values().stream()
        .allMatch(r -> r.containsKey(DemoCatalog.RARE_EVENT)));
  }

  @Test
  void lapsedContactsDoNothingAfterTheLapseAndTheTruthKnows() {
    Map<String, Instant> lapsed = realistic.truth().lapsedAt();
    double share = (double) lapsed.size() / REALISTIC.contacts();
    assertTrue(share > 0.07 && share < 0.13, "lapsed share " + share);
    for (var e : lapsed.entrySet()) {
      assertFalse(e.getValue().isBefore(ANCHOR.minus(Duration.ofDays(40))), e.toString());
      assertFalse(e.getValue().isAfter(ANCHOR.minus(Duration.ofDays(10))), e.toString());
      Seen s = seen.get(e.getKey());
      assertTrue(s == null || s.last.isBefore(e.getValue()),
          e.getKey() + " acted at " + (s == null ? null : s.last) + " after lapsing");
    }
    int after = 0;
    for (SendTruth t : realistic.truth().sends()) {
      Instant lapse = lapsed.get(t.contactId());
      if (lapse != null && !t.sentAt().isBefore(lapse)) {
        after++;
        for (String name : t.expected().keySet()) {
          assertEquals(0.0, t.expected().get(name), t.sendId());
          assertEquals(0.0, t.expectedWithEffects().get(name), t.sendId());
          assertEquals(0, t.observed().get(name), t.sendId());
        }
      }
    }
    assertTrue(after > 1000, "sends after a lapse: " + after);
  }

  @Test
  void tenPercentOfContactsHaveNoZoneAnywhereButLiveByOne() {
    int noZone = 0;
    for (DemoContact c : realistic.contacts()) {
      String trueZone = realistic.truth().zones().get(c.contactId());
      assertNotNull(ZoneId.of(trueZone));
      Seen s = seen.get(c.contactId());
      if (c.timezone() == null) {
        noZone++;
        assertFalse(DemoRows.contact(c).containsKey("timezone"));
        assertTrue(s == null || s.withZone == 0, c.contactId() + " has events with a zone");
      } else {
        assertEquals(trueZone, c.timezone());
      }
    }
    double share = (double) noZone / REALISTIC.contacts();
    assertTrue(share > 0.07 && share < 0.13, "share without a zone " + share);
    // A zone half an hour off the hour, where hour buckets of UTC and local time disagree.
    assertTrue(realistic.truth().zones().containsValue("Asia/Kolkata"));
    assertEquals(1800, ZoneId.of("Asia/Kolkata").getRules().getOffset(ANCHOR)
        .getTotalSeconds() % 3600);
  }

  @Test
  void observedMatchesTheTruthsExpectedInEveryBehavior() {
    List<DemoDataset> all = new ArrayList<>();
    for (Behavior b : List.of(Behavior.POISSON, Behavior.BURSTY)) {
      all.add(DemoGenerator.generate(new DemoSpec(5, 3000, 35, ANCHOR, b)));
    }
    all.add(realistic);
    for (DemoDataset d : all) {
      // Sends that no effect touches: observed against expected. All sends: against the
      // expectation with every effect, overlapping ones multiplied.
      double observed = 0;
      double expected = 0;
      double observedAll = 0;
      double expectedAll = 0;
      for (SendTruth t : d.truth().sends()) {
        for (String name : t.expected().keySet()) {
          if (t.unaffected()) {
            observed += t.observed().get(name);
            expected += t.expected().get(name);
          }
          observedAll += t.observed().get(name);
          expectedAll += t.expectedWithEffects().get(name);
        }
      }
      String behavior = d.spec().behavior().name();
      assertTrue(Math.abs(observed / expected - 1) < 0.04,
          behavior + ": observed / expected without effects " + observed / expected);
      assertTrue(Math.abs(observedAll / expectedAll - 1) < 0.04,
          behavior + ": observed / expected with effects " + observedAll / expectedAll);
    }
  }

  @Test
  void overlappingEffectsMultiply() {
    // A delivered send lifting app_open whose window an earlier lifting send covers from an hour
    // before it (so that the sessions trailing into it are lifted too) to an hour into it: the
    // expectation with effects exceeds expected x lift, as the rate carries both lifts.
    Map<String, List<SendTruth>> byContact = new HashMap<>();
    for (SendTruth t : realistic.truth().sends()) {
      byContact.computeIfAbsent(t.contactId(), k -> new ArrayList<>()).add(t);
    }
    int checked = 0;
    Duration hour = Duration.ofHours(1);
    for (List<SendTruth> sends : byContact.values()) {
      for (SendTruth t : sends) {
        if (t.holdout() || t.lift().get("app_open") <= 1 || t.expected().get("app_open") == 0) {
          continue;
        }
        boolean covered = false;
        boolean lowered = false; // another effect in reach lowers app_open: then no bound holds
        for (SendTruth other : sends) {
          if (other == t || other.holdout() || !other.sentAt().isBefore(t.windowEnd())
              || !other.windowEnd().isAfter(t.sentAt().minus(hour))) {
            continue;
          }
          lowered |= other.lift().get("app_open") < 1;
          covered |= other.lift().get("app_open") > 1
              && !other.sentAt().isAfter(t.sentAt().minus(hour))
              && !other.windowEnd().isBefore(t.sentAt().plus(hour));
        }
        if (covered && !lowered) {
          assertTrue(t.expectedWithEffects().get("app_open")
              > t.expected().get("app_open") * t.lift().get("app_open") * 1.01, t.sendId());
          checked++;
        }
      }
    }
    assertTrue(checked > 100, "overlapping lifted windows: " + checked);
  }

  /**
   * Pearson dispersion of one event name's hourly counts in the baseline weeks, pooled over the
   * contacts: the sum of (count - mean)^2 over the sum of means, with the true hourly means. 1 for
   * Poisson counts.
   */
  private static double dispersion(DemoDataset d, String name) {
    GroundTruth truth = d.truth();
    long spanStart = d.spec().spanStart().getEpochSecond();
    int hours = (int) ((d.spec().sendsFrom().getEpochSecond() - spanStart) / 3600);
    Map<String, int[]> counts = new HashMap<>();
    for (DemoEvent e : d.events()) {
      long hour = (e.timestamp().getEpochSecond() - spanStart) / 3600;
      if (e.eventName().equals(name) && hour < hours) {
        counts.computeIfAbsent(e.contactId(), k -> new int[hours])[(int) hour]++;
      }
    }
    double squares = 0;
    double means = 0;
    for (DemoContact c : d.contacts()) {
      ZoneId zone = ZoneId.of(truth.zones().get(c.contactId()));
      double perHour = truth.ratePerDay().get(c.contactId()).get(name) / 24;
      int[] x = counts.getOrDefault(c.contactId(), new int[hours]);
      for (int i = 0; i < hours; i++) {
        long utc = spanStart + 3600L * i;
        long local = utc + zone.getRules().getOffset(Instant.ofEpochSecond(utc)).getTotalSeconds();
        int hourOfWeek = (int) Math.floorMod(Math.floorDiv(local, 3600) + 3 * 24, 168);
        double mean = perHour * truth.profile().get(hourOfWeek);
        squares += (x[i] - mean) * (x[i] - mean);
        means += mean;
      }
    }
    return squares / means;
  }

  private static List<DemoEvent> list(Iterable<DemoEvent> events) {
    List<DemoEvent> all = new ArrayList<>();
    events.forEach(all::add);
    return all;
  }
}
