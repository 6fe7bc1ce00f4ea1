package dev.shiftlens.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoGeneratorTest {
  // The span crosses the US and EU daylight-saving changes of March 2026.
  private static final DemoSpec SPEC = new DemoSpec(7, 400, 35,
      Instant.parse("2026-03-31T12:00:00Z"));
  private static DemoDataset data;
  private static List<DemoEvent> events;

  @BeforeAll
  static void generate() {
    data = DemoGenerator.generate(SPEC);
    events = list(data.events());
  }

  @Test
  void sameSeedGivesSameDataset() {
    DemoDataset again = DemoGenerator.generate(SPEC);
    assertEquals(data.contacts(), again.contacts());
    assertEquals(data.sends(), again.sends());
    assertEquals(data.truth(), again.truth());
    assertEquals(events, list(again.events()));
  }

  @Test
  void differentSeedGivesDifferentDataset() {
    DemoDataset other = DemoGenerator.generate(new DemoSpec(8, 400, 35, SPEC.anchor()));
    assertNotEquals(data.contacts(), other.contacts());
    assertNotEquals(data.sends(), other.sends());
    assertNotEquals(events.subList(0, 100), list(other.events()).subList(0, 100));
  }

  @Test
  void eventsAreCountedAndIdentifiedOnce() {
    assertEquals(data.eventCount(), events.size());
    Set<String> ids = new HashSet<>();
    events.forEach(e -> ids.add(e.eventInstanceId()));
    assertEquals(events.size(), ids.size());
    Set<String> sendIds = new HashSet<>();
    data.sends().forEach(s -> sendIds.add(s.sendId()));
    assertEquals(data.sends().size(), sendIds.size());
  }

  @Test
  void everyRowFollowsTheApiFieldRules() {
    Set<String> contactIds = new HashSet<>();
    for (DemoContact c : data.contacts()) {
      Map<String, Object> row = DemoRows.contact(c);
      assertIdentifier(row.get("contact_id"));
      assertTrue(row.get("country") instanceof String s && !s.isEmpty());
      zone((String) row.get("timezone"));
      for (var e : row.entrySet()) {
        Object v = e.getValue();
        assertTrue(v instanceof String || v instanceof Number || v instanceof Boolean, e.getKey());
      }
      contactIds.add(c.contactId());
    }
    for (DemoEvent e : events) {
      Map<String, Object> row = DemoRows.event(e);
      assertTrue(contactIds.contains(row.get("contact_id")));
      Instant at = Instant.parse((String) row.get("timestamp"));
      assertTrue(((String) row.get("timestamp")).endsWith("Z"));
      assertFalse(at.isBefore(SPEC.spanStart()), "event before the span: " + at);
      assertTrue(at.isBefore(SPEC.anchor()), "event after the anchor: " + at);
      assertIdentifier(row.get("event_name"));
      assertTrue(((String) row.get("event_instance_id")).length() <= 256);
      if (row.containsKey("timezone")) {
        zone((String) row.get("timezone"));
      }
      assertTrue(!row.containsKey("metadata") || row.get("metadata") instanceof Map);
    }
    for (DemoSend s : data.sends()) {
      Map<String, Object> row = DemoRows.send(s);
      assertTrue(contactIds.contains(row.get("contact_id")));
      assertIdentifier(row.get("send_id"));
      assertIdentifier(row.get("message_id"));
      assertIdentifier(row.get("channel"));
      assertTrue(((String) row.get("sent_at")).endsWith("Z"));
      double window = (Double) row.get("window_hours");
      assertTrue(window > 0 && window <= 168);
      assertTrue(row.get("labels") instanceof Map<?, ?> labels
          && labels.values().stream().allMatch(String.class::isInstance));
      assertTrue(row.get("holdout") instanceof Boolean);
    }
  }

  @Test
  void sendsComeAfterFourWeeksOfBaselineAndNeverOverlap() {
    assertTrue(data.sends().size() > SPEC.contacts(), "too few sends: " + data.sends().size());
    Instant baselineEnd = SPEC.spanStart().plus(Duration.ofDays(28));
    Map<String, DemoSend> previous = new HashMap<>();
    Set<String> contactDays = new HashSet<>();
    for (DemoSend s : data.sends()) {
      assertFalse(s.sentAt().isBefore(baselineEnd), s.toString());
      assertTrue(s.windowEnd().isBefore(SPEC.anchor()), s.toString());
      DemoSend before = previous.put(s.contactId(), s);
      assertTrue(before == null || !s.sentAt().isBefore(before.windowEnd()), s.toString());
      ZoneId zone = zoneOf(s.contactId());
      LocalDate day = s.sentAt().atZone(zone).toLocalDate();
      assertTrue(contactDays.add(s.contactId() + day), "two sends on one day: " + s);
    }
    long holdouts = data.sends().stream().filter(DemoSend::holdout).count();
    assertTrue(holdouts > 0 && holdouts < data.sends().size() / 10, "holdouts: " + holdouts);
  }

  @Test
  void plantedLiftsShowInTheWindowsAndNoEffectMeansNoChange() {
    // observed / expected summed over send windows, by whether the planted lift is up, 1 or down
    Map<Integer, double[]> sums = new HashMap<>();
    for (SendTruth t : data.truth().sends()) {
      for (String name : t.expected().keySet()) {
        double[] sum = sums.computeIfAbsent(Double.compare(t.lift().get(name), 1),
            k -> new double[2]);
        sum[0] += t.observed().get(name);
        sum[1] += t.expected().get(name);
      }
    }
    double up = sums.get(1)[0] / sums.get(1)[1];
    double flat = sums.get(0)[0] / sums.get(0)[1];
    double down = sums.get(-1)[0] / sums.get(-1)[1];
    assertTrue(up > 1.3, "observed/expected where lift > 1: " + up);
    assertTrue(flat > 0.9 && flat < 1.1, "observed/expected where lift = 1: " + flat);
    assertTrue(down < 0.85, "observed/expected where lift < 1: " + down);
  }

  @Test
  void localHourOfWeekProfilePeaksAtLeastTwiceItsTrough() {
    long[] counts = new long[168];
    for (DemoEvent e : events) {
      ZonedDateTime local = e.timestamp().atZone(zoneOf(e.contactId()));
      counts[(local.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue()) * 24
          + local.getHour()]++;
    }
    long peak = Arrays.stream(counts).max().orElseThrow();
    long trough = Arrays.stream(counts).min().orElseThrow();
    assertTrue(peak > 2 * Math.max(1, trough), "peak " + peak + ", trough " + trough);
  }

  @Test
  void activityIsHeterogeneous() {
    Map<String, Long> perContact = new HashMap<>();
    events.forEach(e -> perContact.merge(e.contactId(), 1L, Long::sum));
    List<Long> counts = new ArrayList<>(perContact.values());
    counts.sort(Comparator.reverseOrder());
    long top = counts.stream().limit(SPEC.contacts() / 10).mapToLong(Long::longValue).sum();
    assertTrue(top > 0.3 * events.size(), "top tenth has " + top + " of " + events.size());
  }

  @Test
  void groundTruthIsWrittenAsJson(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("truth/ground-truth.json");
    data.truth().writeJson(file);
    JsonNode doc = DemoRows.JSON.readTree(file.toFile());
    assertEquals(data.sends().size(), doc.path("sends").size());
    JsonNode first = doc.path("sends").get(0);
    SendTruth truth = data.truth().sends().get(0);
    assertEquals(truth.sendId(), first.path("send_id").asText());
    assertEquals(truth.expected().get("app_open"),
        first.path("expected").path("app_open").asDouble());
    assertEquals(168, doc.path("profile").size());
    assertEquals(SPEC.contacts(), doc.path("rate_per_day").size());
  }

  private static final Map<String, ZoneId> ZONES = new HashMap<>();

  private static ZoneId zoneOf(String contactId) {
    return zone(data.contacts().get(Integer.parseInt(contactId.substring(1)) - 1).timezone());
  }

  /** Parses a zone name; an unknown one throws. Cached because every event repeats one. */
  private static ZoneId zone(String name) {
    return ZONES.computeIfAbsent(name, ZoneId::of);
  }

  private static void assertIdentifier(Object value) {
    assertTrue(value instanceof String s && !s.isEmpty() && s.length() <= 256, "" + value);
  }

  private static List<DemoEvent> list(Iterable<DemoEvent> events) {
    List<DemoEvent> all = new ArrayList<>();
    events.forEach(all::add);
    return all;
  }
}
