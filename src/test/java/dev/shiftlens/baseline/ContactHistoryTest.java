package dev.shiftlens.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A contact's hourly counts as the evaluator reads them: order, merging, counting, zone. */
class ContactHistoryTest {
  private static final long HOUR_MS = 3_600_000L;

  private static long hour(long h) {
    return h * HOUR_MS;
  }

  @Test
  void hoursAndCountsReadFromCommaSeparatedListsAreTheSameAsAddedOneByOne() {
    ContactHistory listed = ContactHistory.builder("c").addAll("open", "7200,3600,10800", "2,1,5").build(null);
    ContactHistory single = ContactHistory.builder("c")
        .add("open", 3_600_000L, 1).add("open", 7_200_000L, 2).add("open", 10_800_000L, 5).build(null);
    assertArrayEquals(single.series().get("open").hours(), listed.series().get("open").hours());
    assertArrayEquals(single.series().get("open").counts(), listed.series().get("open").counts());
    assertEquals(3_600_000L, listed.firstSeenMillis());
    assertEquals(0, ContactHistory.builder("c").addAll("open", "", "").build(null).series().size());
  }

  @Test
  void theBuilderSortsHoursAndMergesRowsOfTheSameHour() {
    ContactHistory h = ContactHistory.builder("c1")
        .add("open", hour(10), 2)
        .add("open", hour(5), 1)
        .add("open", hour(10) + 1_234, 3) // the same hour, a timestamp inside it
        .add("click", hour(7), 4)
        .build(null);
    ContactHistory.Series open = h.series().get("open");
    assertArrayEquals(new long[] {5, 10}, open.hours());
    assertArrayEquals(new int[] {1, 5}, open.counts());
    assertArrayEquals(new long[] {7}, h.series().get("click").hours());
    assertEquals(Set.of("open", "click"), h.eventNames());
    assertEquals("c1", h.contactId());
  }

  @Test
  void theBuilderKeepsEveryRowWhenManyArriveInReverseOrder() {
    ContactHistory.Builder b = ContactHistory.builder("c1");
    for (int i = 99; i >= 0; i--) b.add("open", hour(1000 + 2 * i), i + 1);
    b.add("open", hour(1000), 10);
    ContactHistory.Series s = b.build(null).series().get("open");
    assertEquals(100, s.hours().length);
    assertEquals(1000, s.hours()[0]);
    assertEquals(11, s.counts()[0]);
    assertEquals(1198, s.hours()[99]);
    assertEquals(100, s.counts()[99]);
    for (int i = 1; i < 100; i++) assertEquals(s.hours()[i - 1] + 2, s.hours()[i]);
    assertEquals(5050 + 10, s.count(hour(0), hour(2000)));
  }

  @Test
  void seriesCountSumsTheHoursThatStartInsideTheSpan() {
    ContactHistory.Series s = new ContactHistory.Series(new long[] {10, 11, 12}, new int[] {1, 2, 4});
    assertEquals(3, s.count(hour(10), hour(12)));
    assertEquals(7, s.count(hour(10), hour(13)));
    assertEquals(0, s.count(hour(10), hour(10)));
    assertEquals(0, s.count(hour(13), hour(20)));
    assertEquals(0, s.count(hour(0), hour(10)));
  }

  @Test
  void seriesCountLeavesOutAnHourThatStartsBeforeFromAndKeepsOneThatStartsBeforeTo() {
    ContactHistory.Series s = new ContactHistory.Series(new long[] {10, 11, 12}, new int[] {1, 2, 4});
    assertEquals(6, s.count(hour(10) + 1, hour(13))); // hour 10 started before from
    assertEquals(6, s.count(hour(10) + HOUR_MS / 2, hour(13)));
    assertEquals(7, s.count(hour(10) - 1, hour(13)));
    assertEquals(7, s.count(hour(10), hour(12) + 1)); // hour 12 starts before to
    assertEquals(3, s.count(hour(10), hour(12) - 1));
    assertEquals(2, s.count(hour(10) + 1, hour(11) + 1));
    assertEquals(0, s.count(hour(10) + 1, hour(11))); // no hour starts inside
  }

  @Test
  void seriesCountWorksBeforeTheEpoch() {
    ContactHistory.Series s = new ContactHistory.Series(new long[] {-3, -2, 0}, new int[] {1, 2, 4});
    assertEquals(3, s.count(hour(-3), hour(-1)));
    assertEquals(2, s.count(hour(-3) + 1, hour(-1)));
    assertEquals(6, s.count(hour(-2) - 1, hour(0) + 1));
  }

  @Test
  void theLatestEventZoneWinsOverEarlierOnesAndOverTheContactZone() {
    ContactHistory h = ContactHistory.builder("c1")
        .add("open", hour(10), 1, "Europe/Berlin")
        .add("open", hour(20), 1, "Asia/Tokyo")
        .add("click", hour(15), 1, "America/New_York")
        .add("click", hour(25), 1, "") // the latest row has no zone: it does not count
        .build("Europe/Paris");
    assertEquals(ZoneId.of("Asia/Tokyo"), h.zone());
  }

  @Test
  void zonesSeenInTheSameHourResolveTheSameWayWhateverTheirOrder() {
    ZoneId one = ContactHistory.builder("c1").zone("Asia/Tokyo", hour(5)).zone("Europe/Berlin", hour(5))
        .add("open", hour(5), 1).build(null).zone();
    ZoneId other = ContactHistory.builder("c1").zone("Europe/Berlin", hour(5)).zone("Asia/Tokyo", hour(5))
        .add("open", hour(5), 1).build(null).zone();
    assertEquals(one, other);
  }

  @Test
  void theContactZoneCountsWhenNoEventHasAZone() {
    ContactHistory h = ContactHistory.builder("c1").add("open", hour(10), 1, "").add("open", hour(11), 1, null)
        .build("America/Sao_Paulo");
    assertEquals(ZoneId.of("America/Sao_Paulo"), h.zone());
  }

  @Test
  void utcCountsWhenNeitherEventsNorContactHaveAZone() {
    assertEquals(ZoneId.of("UTC"), ContactHistory.builder("c1").add("open", hour(10), 1).build(null).zone());
    assertEquals(ZoneId.of("UTC"), ContactHistory.builder("c1").add("open", hour(10), 1).build("").zone());
  }

  @Test
  void aZoneNameJavaDoesNotKnowFallsThroughToTheNextChoice() {
    ContactHistory h = ContactHistory.builder("c1").add("open", hour(10), 1, "Mars/Olympus_Mons").build("Asia/Kolkata");
    assertEquals(ZoneId.of("Asia/Kolkata"), h.zone());
    assertEquals(ZoneId.of("UTC"), ContactHistory.zoneOf("Mars/Olympus_Mons", "Not/A_Zone"));
    assertEquals(ZoneId.of("Asia/Kolkata"), ContactHistory.zoneOf(null, "Asia/Kolkata"));
  }

  @Test
  void firstSeenIsTheStartOfTheEarliestHourOfAnyEventName() {
    ContactHistory h = ContactHistory.builder("c1")
        .add("open", hour(30), 1)
        .add("click", hour(12) + 59 * 60_000, 1)
        .add("open", hour(20), 1)
        .build(null);
    assertEquals(hour(12), h.firstSeenMillis());
  }

  @Test
  void anExplicitFirstSeenMovesItEarlierButNeverLater() {
    long t = Instant.parse("2024-03-01T08:45:00Z").toEpochMilli();
    ContactHistory earlier = ContactHistory.builder("c1").add("open", t + 10 * HOUR_MS, 1).firstSeen(t).build(null);
    assertEquals(Instant.parse("2024-03-01T08:00:00Z").toEpochMilli(), earlier.firstSeenMillis());
    ContactHistory later = ContactHistory.builder("c1").firstSeen(t + 10 * HOUR_MS).add("open", t, 1).build(null);
    assertEquals(Instant.parse("2024-03-01T08:00:00Z").toEpochMilli(), later.firstSeenMillis());
  }

  @Test
  void aHistoryWithoutRowsHasNoSeriesAndIsNeverSeen() {
    ContactHistory h = ContactHistory.builder("c1").build(null);
    assertEquals(Long.MAX_VALUE, h.firstSeenMillis());
    assertEquals(Set.of(), h.eventNames());
  }
}
