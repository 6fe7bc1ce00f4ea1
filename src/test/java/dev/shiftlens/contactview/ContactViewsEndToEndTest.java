package dev.shiftlens.contactview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.baseline.HourOfWeekProfile;
import dev.shiftlens.platform.SqlFiles;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-contact views over HTTP, on a server whose engine has evaluated the contact's sends: the
 * baseline shows what each send was measured against, shifts page through the sends as GET /v1/sends
 * shows them, and preferences favour the channel after which the contact did more.
 */
class ContactViewsEndToEndTest {
  private static final long HOUR_MS = 3_600_000L;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.DAYS);
  private static final List<String> SENDS = new ArrayList<>();
  private static TestServer server;

  @BeforeAll
  static void evaluateTheContactsSends() throws Exception {
    server = TestServer.start(TestServer.evaluating());
    ok(server.post("/v1/contacts", "application/json", "[{\"contact_id\":\"c1\",\"country\":\"DE\",\"timezone\":\"Europe/Berlin\","
        + "\"push_token\":\"tok\",\"email_address\":\"c1@example.com\",\"phone_number\":\"+491701234567\"},"
        + "{\"contact_id\":\"c9\",\"country\":\"DE\"},{\"contact_id\":\"quiet\",\"country\":\"FR\"}]"));
    StringBuilder events = new StringBuilder();
    // Three weeks of c1 opening the app every 6 hours and browsing once a day; c9, every 12 hours.
    for (int h = 21 * 24; h > 0; h -= 6) {
      events.append(event("c1", "app_open", T0.minus(h, ChronoUnit.HOURS).plusSeconds(90), "a" + h));
      if (h % 24 == 0) events.append(event("c1", "browse", T0.minus(h, ChronoUnit.HOURS).plusSeconds(600), "b" + h));
      if (h % 12 == 0) events.append(event("c9", "app_open", T0.minus(h, ChronoUnit.HOURS).plusSeconds(300), "a" + h));
    }
    StringBuilder sends = new StringBuilder("[");
    // Four pushes after each of which c1 opens the app six times; four emails after which it does nothing.
    for (int k = 0; k < 4; k++) {
      Instant push = T0.plus(4L * k, ChronoUnit.HOURS);
      for (int j = 0; j < 6; j++) events.append(event("c1", "app_open", push.plusSeconds(600 + 600L * j), "p" + k + "-" + j));
      sends.append(send("push" + k, "push", push, "urgency")).append(',');
      sends.append(send("email" + k, "email", T0.plus(20 + 4L * k, ChronoUnit.HOURS), "plain")).append(k < 3 ? "," : "]");
      SENDS.add("push" + k);
      SENDS.add("email" + k);
    }
    ok(server.post("/v1/events", "application/x-ndjson", events.toString()));
    ok(server.post("/v1/sends", "application/json", sends.toString()));
    long deadline = System.nanoTime() + 120_000_000_000L;
    JsonObject status;
    do {
      Thread.sleep(200);
      status = new JsonObject(server.get("/v1/status").body());
    } while (status.getLong("evaluated_sends") < SENDS.size() && System.nanoTime() < deadline);
    assertEquals(SENDS.size(), status.getLong("evaluated_sends"), status.encode());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void theBaselineAtASendsTimeExpectsWhatTheEngineExpectedInItsWindow() {
    int compared = 0;
    for (String id : SENDS) {
      JsonObject send = json(server.get("/v1/sends/" + id), 200);
      assertEquals("evaluated", send.getString("status"), send.encode());
      Instant sentAt = Instant.parse(send.getString("sent_at"));
      JsonObject view = json(server.get("/v1/contacts/c1/baseline?window_hours=2&as_of=" + sentAt), 200);
      assertEquals("c1", view.getString("contact_id"));
      assertEquals("Europe/Berlin", view.getString("timezone"));
      assertEquals(sentAt.toString(), view.getString("as_of"));
      Map<String, JsonObject> byName = new HashMap<>();
      view.getJsonArray("events").forEach(e -> byName.put(((JsonObject) e).getString("event_name"), (JsonObject) e));
      for (Object o : send.getJsonArray("effects")) {
        JsonObject effect = (JsonObject) o;
        if (effect.getString("event_name").equals("*")) continue;
        JsonObject event = byName.get(effect.getString("event_name"));
        assertNotNull(event, "the baseline shows " + effect.getString("event_name") + ": " + view.encode());
        JsonArray hours = event.getJsonArray("hour_of_week");
        assertEquals(168, hours.size());
        double expected = 0;
        for (long t = sentAt.toEpochMilli(); t < sentAt.toEpochMilli() + 2 * HOUR_MS; t += HOUR_MS) {
          expected += hours.getDouble(HourOfWeekProfile.hourOfWeek(t, BERLIN));
        }
        assertEquals(effect.getDouble("expected"), expected, 1e-5 * Math.max(1, expected), id + ": " + event.encode());
        compared++;
      }
    }
    assertTrue(compared >= SENDS.size(), "effects compared: " + compared);
  }

  @Test
  void theBaselineCountsRatesAndLastSeenSayWhatTheyDocument() {
    Instant asOf = T0.plus(4, ChronoUnit.HOURS).plusSeconds(1200); // after push1 went out, inside its window
    JsonObject view = json(server.get("/v1/contacts/c1/baseline?as_of=" + asOf), 200);
    JsonObject baseline = view.getJsonObject("baseline");
    JsonObject open = null;
    for (Object o : view.getJsonArray("events")) {
      if (((JsonObject) o).getString("event_name").equals("app_open")) open = (JsonObject) o;
    }
    assertNotNull(open, view.encode());
    // 28 days before the hour of as_of: every app_open of the three weeks and of push0's window (not push1's yet).
    assertEquals(21 * 4 + 6, open.getLong("count_28d"), open.encode());
    // The baseline leaves push0's window out: only the periodic events count, over the days observed, but
    // for the first, in the hours after the first event that never count.
    assertEquals(21 * 4 - 1, open.getLong("baseline_count"));
    assertEquals(1, baseline.getInteger("windows_left_out"), baseline.encode());
    assertEquals((21 * 4 - 1) / baseline.getDouble("days"), open.getDouble("rate_per_day"), 1e-6);
    assertTrue(baseline.getDouble("days") > 20.9 && baseline.getDouble("days") < 21.2, baseline.encode());
    double week = 0;
    for (Object h : open.getJsonArray("hour_of_week")) week += ((Number) h).doubleValue();
    assertEquals(7 * open.getDouble("shrunk_rate_per_day"), week, 1e-6);
    // c9 gives the population a spread of rates: the shrunk rate is pulled toward it, a little off c1's own.
    double shrunk = open.getDouble("shrunk_rate_per_day"), own = open.getDouble("rate_per_day");
    assertTrue(shrunk != own && Math.abs(shrunk / own - 1) < 0.05, open.encode());
    // The latest app_open before as_of is in push1's window, in the hour that starts when push1 went out.
    assertEquals(T0.plus(4, ChronoUnit.HOURS).toString(), open.getString("last_seen"));
    // browse was last seen in the last hour of the periodic events, a day before T0.
    JsonObject browse = null;
    for (Object o : view.getJsonArray("events")) {
      if (((JsonObject) o).getString("event_name").equals("browse")) browse = (JsonObject) o;
    }
    assertNotNull(browse, view.encode());
    assertEquals(T0.minus(1, ChronoUnit.DAYS).toString(), browse.getString("last_seen"));
  }

  @Test
  void anUnknownContactsBaselineIsANotFoundProblemAndAContactWithoutEventsHasNone() {
    HttpResponse<String> missing = server.get("/v1/contacts/nobody/baseline");
    assertEquals(404, missing.statusCode());
    assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse(""));
    JsonObject quiet = json(server.get("/v1/contacts/quiet/baseline"), 200);
    assertEquals(0, quiet.getJsonArray("events").size());
    assertEquals("UTC", quiet.getString("timezone"));
    HttpResponse<String> bad = server.get("/v1/contacts/c1/baseline?as_of=yesterday");
    assertEquals(400, bad.statusCode());
    assertEquals("as_of", new JsonObject(bad.body()).getString("field"));
  }

  @Test
  void shiftsPageThroughTheContactsSendsNewestFirstAsTheSendsAreShown() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = json(server.get("/v1/contacts/c1/shifts?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)), 200);
      for (Object o : page.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        assertEquals(json(server.get("/v1/sends/" + item.getString("send_id")), 200), item);
        seen.add(item.getString("send_id"));
      }
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(3, pages);
    List<String> newestFirst = List.of("email3", "email2", "email1", "email0", "push3", "push2", "push1", "push0");
    assertEquals(newestFirst, seen);

    for (String bad : List.of("limit=0", "limit=1001", "limit=ten")) {
      HttpResponse<String> answer = server.get("/v1/contacts/c1/shifts?" + bad);
      assertEquals(400, answer.statusCode(), bad);
      assertEquals("limit", new JsonObject(answer.body()).getString("field"));
    }
    HttpResponse<String> badCursor = server.get("/v1/contacts/c1/shifts?cursor=xyz");
    assertEquals(400, badCursor.statusCode());
    assertEquals("cursor", new JsonObject(badCursor.body()).getString("field"));
    assertEquals(404, server.get("/v1/contacts/nobody/shifts").statusCode());
    JsonObject none = json(server.get("/v1/contacts/quiet/shifts"), 200);
    assertEquals(0, none.getJsonArray("items").size());
    assertNull(none.getString("next_cursor"));
  }

  @Test
  void preferencesFavourTheChannelAfterWhichTheContactDidMoreAndStillExploreTheOthers() {
    JsonObject prefs = json(server.get("/v1/contacts/c1/preferences"), 200);
    assertEquals(8, prefs.getInteger("sends"));
    JsonObject dims = prefs.getJsonObject("dimensions");
    Map<String, JsonObject> channels = values(dims.getJsonArray("channel"));
    assertEquals(Set.of("push", "email", "sms"), channels.keySet(), dims.encode());
    assertEquals(4, channels.get("push").getInteger("sends"));
    assertEquals(4, channels.get("email").getInteger("sends"));
    assertTrue(channels.get("push").getDouble("lift") > 2 * channels.get("email").getDouble("lift"), dims.encode());
    assertTrue(channels.get("push").getDouble("prob_best") > 0.9, dims.encode());
    // sms is reachable by the phone number and never tried: its posterior is its prior.
    assertEquals(0, channels.get("sms").getInteger("sends"));
    assertEquals(channels.get("sms").getDouble("prior_lift"), channels.get("sms").getDouble("lift"), 1e-9);
    Map<String, JsonObject> copies = values(dims.getJsonArray("label:copy"));
    assertEquals(Set.of("urgency", "plain"), copies.keySet());
    int slotSends = 0;
    for (Object o : dims.getJsonArray("send_slot")) {
      JsonObject slot = (JsonObject) o;
      assertTrue(slot.getString("value").matches("(mon|tue|wed|thu|fri|sat|sun)_(00-03|03-06|06-09|09-12|12-15|15-18|18-21|21-24)"),
          slot.encode());
      slotSends += slot.getInteger("sends");
    }
    assertEquals(8, slotSends);
    for (String dimension : dims.fieldNames()) {
      double sum = 0;
      for (Object o : dims.getJsonArray(dimension)) sum += ((JsonObject) o).getDouble("prob_best");
      assertEquals(1, sum, 1e-3, dimension);
    }
    JsonObject recommendation = prefs.getJsonObject("recommendation");
    assertEquals(dims.fieldNames(), recommendation.fieldNames());
    Map<String, Integer> picked = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      JsonObject r = json(server.get("/v1/contacts/c1/preferences"), 200).getJsonObject("recommendation");
      assertTrue(channels.containsKey(r.getString("channel")), r.encode());
      assertTrue(copies.containsKey(r.getString("label:copy")), r.encode());
      picked.merge(r.getString("channel"), 1, Integer::sum);
    }
    assertTrue(picked.getOrDefault("push", 0) >= 15, "push is drawn most: " + picked);
    assertEquals(404, server.get("/v1/contacts/nobody/preferences").statusCode());
  }

  @Test
  void preferencesCountEachSendInEventUnits() {
    // Per channel, each send's "*" counts divided by its reward per expected event, as the sends show them.
    Map<String, double[]> byChannel = new HashMap<>();
    for (String id : SENDS) {
      JsonObject send = json(server.get("/v1/sends/" + id), 200);
      double observed = 0, expected = 0, events = 0;
      for (Object o : send.getJsonArray("effects")) {
        JsonObject effect = (JsonObject) o;
        if (effect.getString("event_name").equals("*")) {
          observed = effect.getDouble("observed");
          expected = effect.getDouble("expected");
        } else {
          events += effect.getDouble("expected");
        }
      }
      double[] sum = byChannel.computeIfAbsent(send.getString("channel"), c -> new double[2]);
      if (expected > 0 && events > 0) {
        sum[0] += observed * events / expected;
        sum[1] += events;
      }
    }
    Map<String, JsonObject> channels =
        values(json(server.get("/v1/contacts/c1/preferences"), 200).getJsonObject("dimensions").getJsonArray("channel"));
    for (String channel : List.of("push", "email")) {
      assertTrue(byChannel.get(channel)[1] > 0, channel);
      assertEquals(byChannel.get(channel)[0], channels.get(channel).getDouble("observed"), 1e-5, channel);
      assertEquals(byChannel.get(channel)[1], channels.get(channel).getDouble("expected"), 1e-5, channel);
    }
  }

  @Test
  void thePopulationsCountsDoNotDependOnTheUnitsOfTheRewards() {
    // The stored effects again, with every reward 100 times larger: the weighted "*" rows grow 100-fold,
    // the names' own rows stay.
    String db = server.database;
    TestStores.clickhouse("CREATE TABLE " + db + ".send_effects_cents AS " + db + ".send_effects");
    TestStores.clickhouse("INSERT INTO " + db + ".send_effects_cents SELECT send_id, contact_id, message_id, channel, labels, "
        + "holdout, sent_at, send_hour, send_weekday, window_hours, status, overlapping, evaluated_at, event_name, reported, "
        + "if(event_name = '*', observed * 100, observed), if(event_name = '*', expected * 100, expected), p_value, "
        + "prob_increase, verdict, version FROM " + db + ".send_effects");
    String query = SqlFiles.clickhouse("contactview_population_lifts");
    assertTrue(query.contains("FROM send_effects FINAL"), query);
    List<String> dollars = lines(TestStores.clickhouse(query.replace("FROM send_effects FINAL", "FROM " + db + ".send_effects FINAL")
        + " ORDER BY channel, send_weekday, block, labels FORMAT TabSeparated"));
    List<String> cents = lines(TestStores.clickhouse(query.replace("FROM send_effects FINAL", "FROM " + db + ".send_effects_cents FINAL")
        + " ORDER BY channel, send_weekday, block, labels FORMAT TabSeparated"));
    assertEquals(dollars.size(), cents.size(), cents.toString());
    double expected = 0;
    for (int i = 0; i < dollars.size(); i++) {
      String[] d = dollars.get(i).split("\t", -1), c = cents.get(i).split("\t", -1);
      for (int f = 0; f < 5; f++) assertEquals(d[f], c[f], dollars.get(i) + " / " + cents.get(i));
      for (int f = 5; f < 7; f++) {
        double x = Double.parseDouble(d[f]), y = Double.parseDouble(c[f]);
        assertEquals(x, y, 1e-9 * Math.max(1, Math.abs(x)), dollars.get(i) + " / " + cents.get(i));
      }
      expected += Double.parseDouble(d[6]);
    }
    assertTrue(expected > 0, dollars.toString());
  }

  private static List<String> lines(String tsv) {
    return tsv.isEmpty() ? List.of() : List.of(tsv.split("\n"));
  }

  private static Map<String, JsonObject> values(JsonArray rows) {
    Map<String, JsonObject> out = new HashMap<>();
    Set<String> unique = new HashSet<>();
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      assertTrue(unique.add(row.getString("value")), "values are unique: " + rows.encode());
      out.put(row.getString("value"), row);
    }
    return out;
  }

  private static String event(String contact, String name, Instant at, String id) {
    return "{\"contact_id\":\"" + contact + "\",\"timestamp\":\"" + at + "\",\"event_name\":\"" + name
        + "\",\"event_instance_id\":\"" + contact + id + "\"}\n";
  }

  private static String send(String id, String channel, Instant at, String copy) {
    return "{\"send_id\":\"" + id + "\",\"contact_id\":\"c1\",\"message_id\":\"m\",\"channel\":\"" + channel + "\",\"sent_at\":\""
        + at + "\",\"window_hours\":2,\"labels\":{\"copy\":\"" + copy + "\"}}";
  }

  private static void ok(HttpResponse<String> answer) {
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(0, new JsonObject(answer.body()).getJsonArray("rejected").size(), answer.body());
  }

  private static JsonObject json(HttpResponse<String> answer, int status) {
    assertEquals(status, answer.statusCode(), answer.body());
    return new JsonObject(answer.body());
  }
}
