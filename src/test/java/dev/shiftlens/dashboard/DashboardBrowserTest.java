package dev.shiftlens.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shiftlens.support.CuttableProxy;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven over the DevTools protocol
 * against a whole server that has evaluated a small demo dataset. The page is reached through a
 * relay that the test can cut, to see the dashboard lose and regain the server. Full-page
 * screenshots at laptop and phone sizes go to {@code target/screenshots/}.
 */
class DashboardBrowserTest {
  private static final Map<String, String> EVALUATING = TestServer.evaluating("SHIFTLENS_EVALUATION_BATCH", "200");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static TestServer server;
  private static CuttableProxy relay;
  private static Browser browser;
  private Browser.Page page;

  @BeforeAll
  static void startWithADemoDataset() throws Exception {
    long t0 = System.nanoTime();
    browser = Browser.launch();
    server = TestServer.start(EVALUATING);
    long started = System.nanoTime();
    Instant anchor = Instant.now().truncatedTo(ChronoUnit.HOURS);
    server.loadDemo(11, 150, anchor, "dashboard-truth.json");
    long loaded = System.nanoTime();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonObject s;
    do {
      Thread.sleep(200);
      s = json(server.get("/v1/status"));
    } while (s.getLong("pending_evaluations") > 0 && System.nanoTime() < deadline);
    assertEquals(0, s.getLong("pending_evaluations"), "every demo send evaluated: " + s.encode());
    System.out.printf("dashboard test: browser and server started in %.1f s, demo loaded in %.1f s, evaluated in %.1f s%n",
        (started - t0) / 1e9, (loaded - started) / 1e9, (System.nanoTime() - loaded) / 1e9);
    relay = new CuttableProxy("127.0.0.1", server.port);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.close();
    if (relay != null) relay.close();
    if (server != null) server.close();
  }

  @AfterEach
  void closePage() {
    if (page != null) {
      assertTrue(page.errors.isEmpty(), "errors in the page: " + page.errors);
      page.close();
    }
  }

  private static String origin() {
    return "http://127.0.0.1:" + relay.port();
  }

  private static JsonObject json(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** Opens the dashboard at url, enters the key and waits until the page has read its data. */
  private Browser.Page signedIn(String url, String key, int width, int height, boolean mobile) {
    Browser.Page p = browser.open(width, height, mobile);
    p.navigate(url);
    p.waitFor("document.querySelector('#key-input')", WAIT, "the key form");
    p.type("#key-input", key);
    p.click("#key-form button[type=submit]");
    p.waitFor("document.body.dataset.state === 'ready'", WAIT, "the dashboard's first read");
    return p;
  }

  @Test
  void theOverviewDrawsEveryMessageWithItsLiftIntervalAndTheDailyCharts() throws Exception {
    page = signedIn(origin() + "/dashboard", TestServer.KEY, 1366, 768, false);
    JsonArray groups = json(server.get("/v1/metrics/sends?group_by=message_id")).getJsonArray("groups");
    assertTrue(groups.size() >= 7, "the demo's seven messages have evaluated sends: " + groups.size());
    page.waitFor("document.querySelectorAll('#lift-table tbody tr').length === " + groups.size(), WAIT, "one row per message");
    JsonNode rows = page.eval("[...document.querySelectorAll('#lift-table tbody tr')].map(r => "
        + "({key: r.dataset.key, lift: r.querySelector('td.lift').firstChild.textContent, verdict: r.querySelector('.pill').textContent}))");
    for (int i = 0; i < groups.size(); i++) {
      JsonObject g = groups.getJsonObject(i);
      JsonNode row = rows.get(i);
      assertEquals(g.getString("key"), row.get("key").asText());
      String lift = row.get("lift").asText();
      if (g.getValue("lift") == null) {
        // Every send of the group overlaps another's window (a send another test adds): no lift to draw.
        assertEquals("–", lift, g.encode());
        continue;
      }
      assertTrue(lift.matches("\\d+\\.\\d\\d×"), "a lift is a number: " + lift + " for " + g.encode());
      assertEquals(g.getDouble("lift"), Double.parseDouble(lift.substring(0, lift.length() - 1)), 0.0051, row.toString());
      assertTrue(List.of("Up", "Down", "Unsure").contains(row.get("verdict").asText()), row.toString());
    }

    // Every chart is a uPlot canvas with marks in its plot area; the lift chart has its dot at every
    // lift (a lift beyond the axis at the axis' end).
    JsonNode marked = page.eval(MARKED_PIXELS);
    for (String chart : List.of("lift-chart", "daily-chart", "share-chart")) {
      assertTrue(marked.get(chart).asInt() > 500, chart + " has marks in its plot area: " + marked);
    }
    JsonNode dots = page.eval("(() => { const u = document.querySelector('#lift-chart').uplot; const ctx = u.ctx;"
        + " return u.data[1].map((lift, i) => { if (lift == null) return true; const adj = " + groups.encode() + "[i].adjusted_lift != null;"
        + " const x = Math.round(Math.min(u.valToPos(lift, 'y', true), u.bbox.left + u.bbox.width - 6 * uPlot.pxRatio)); const y = Math.round(u.valToPos(i, 'x', true) - (adj ? 7 * uPlot.pxRatio : 0));"
        + " const p = ctx.getImageData(x, y, 1, 1).data; return p[0] + p[1] + p[2] < 600 && p[3] > 0; }); })()");
    assertEquals(groups.size(), dots.size());
    dots.forEach(d -> assertTrue(d.asBoolean(), "a dot at each message's lift: " + dots));

    // Hovering a row of the lift chart shows its tooltip with the message's name.
    page.eval("document.querySelector('#lift-chart').scrollIntoView()");
    JsonNode box = page.eval("(() => { const u = document.querySelector('#lift-chart').uplot; const r = u.over.getBoundingClientRect();"
        + " return {x: r.left + r.width / 2, y: r.top + u.valToPos(0, 'x')}; })()");
    page.hover(box.get("x").asDouble(), box.get("y").asDouble());
    page.waitFor("(() => { const t = document.querySelector('#lift-chart .chart-tip'); return t && !t.hidden"
        + " && t.textContent.includes(" + new JsonArray().add(groups.getJsonObject(0).getString("key")).encode() + "[0]); })()", WAIT, "the tooltip");
    page.eval("window.scrollTo(0, 0)");

    // The live feed is open, and the key is in this tab's sessionStorage only, never in a URL.
    page.waitFor("document.querySelector('#feed-state.live')", WAIT, "the live stream");
    assertEquals(TestServer.KEY, page.eval("sessionStorage.getItem('shiftlens.key')").asText());
    assertEquals(0, page.eval("localStorage.length").asInt());
    assertFalse(page.eval("location.href").asText().contains(TestServer.KEY));
    List<String> urls = page.requestUrls();
    assertTrue(urls.stream().anyMatch(u -> u.contains("/v1/stream/shifts")), "the stream was requested: " + urls);
    assertTrue(urls.stream().noneMatch(u -> u.contains(TestServer.KEY)), "no URL holds the key: " + urls);
    for (JsonNode r : page.requests) {
      if (r.get("url").asText().contains("/v1/")) {
        assertEquals("Bearer " + TestServer.KEY, r.at("/headers/Authorization").asText(), "the key goes in a header: " + r);
      }
    }
    page.screenshot(SCREENSHOTS.resolve("dashboard-laptop.png"));

    // One event instead of all: the rows and lifts of that event.
    JsonArray purchases = json(server.get("/v1/metrics/sends?group_by=message_id&event_name=purchase")).getJsonArray("groups");
    page.eval("(() => { const s = document.querySelector('#event-select'); s.value = 'purchase'; s.dispatchEvent(new Event('change')); })()");
    page.waitFor("document.querySelector('#event-select') && document.querySelector('#event-select').value === 'purchase'"
        + " && document.querySelector('#lift-card-sub').textContent.includes('purchase')"
        + " && document.querySelectorAll('#lift-table tbody tr').length === " + purchases.size(), WAIT, "the lifts of purchase");
    String firstLift = page.eval("document.querySelector('#lift-table tbody tr td.lift').firstChild.textContent").asText();
    Double want = purchases.getJsonObject(0).getDouble("lift");
    assertEquals(want == null ? "–" : String.format(java.util.Locale.ROOT, "%.2f×", want), firstLift);

    // Grouped by channel instead: one row per channel.
    int channels = json(server.get("/v1/metrics/sends?group_by=channel")).getJsonArray("groups").size();
    page.click("button[data-dimension=channel]");
    page.waitFor("document.querySelector('button[data-dimension=channel]').getAttribute('aria-selected') === 'true'"
        + " && document.querySelectorAll('#lift-table tbody tr').length === " + channels, WAIT, "one row per channel");
  }

  /**
   * Pixels inside each chart's plot area that are marks: clearly coloured, or dark. The grid, the
   * dashed reference line and the pale bar fills are neither, and axes and their labels are outside.
   */
  private static final String MARKED_PIXELS = "(() => { const out = {};"
      + " for (const id of ['lift-chart', 'daily-chart', 'share-chart']) {"
      + "   const u = document.querySelector('#' + id).uplot; if (!u) { out[id] = -1; continue; }"
      + "   const b = u.bbox; const d = u.ctx.getImageData(b.left, b.top, b.width, b.height).data; let n = 0;"
      + "   for (let i = 0; i < d.length; i += 4) { const mx = Math.max(d[i], d[i + 1], d[i + 2]), mn = Math.min(d[i], d[i + 1], d[i + 2]);"
      + "     if (d[i + 3] > 0 && (mx - mn >= 60 || d[i] + d[i + 1] + d[i + 2] < 450)) n++; }"
      + "   out[id] = n; }"
      + " return out; })()";

  @Test
  void aContactsPageShowsItsHeatMapSendsAndPreferences() throws Exception {
    String contact = json(server.get("/v1/sends?status=evaluated&limit=1")).getJsonArray("items").getJsonObject(0).getString("contact_id");
    JsonObject baseline = json(server.get("/v1/contacts/" + contact + "/baseline"));
    JsonArray shifts = json(server.get("/v1/contacts/" + contact + "/shifts?limit=20")).getJsonArray("items");
    page = signedIn(origin() + "/dashboard#/contacts/" + contact, TestServer.KEY, 1366, 768, false);
    page.waitFor("document.querySelector('#heatmap') && document.querySelector('#contact-sends')", WAIT, "the contact's page");
    assertEquals(contact, page.eval("document.querySelector('#contact-title').textContent").asText());

    // 7 × 24 cells, each the sum over event names of the baseline's expected count at that hour of the week.
    JsonNode cells = page.eval("[...document.querySelectorAll('#heatmap .heat-cell')].map(c => Number(c.dataset.value))");
    assertEquals(168, cells.size());
    double[] want = new double[168];
    for (Object e : baseline.getJsonArray("events")) {
      JsonArray hours = ((JsonObject) e).getJsonArray("hour_of_week");
      for (int h = 0; h < 168; h++) want[h] += hours.getDouble(h);
    }
    double min = Double.MAX_VALUE, max = 0;
    for (int h = 0; h < 168; h++) {
      assertEquals(want[h], cells.get(h).asDouble(), 1e-4, "hour " + h);
      min = Math.min(min, cells.get(h).asDouble());
      max = Math.max(max, cells.get(h).asDouble());
    }
    assertTrue(max > 2 * min, "the heat map shows a rhythm: " + min + " to " + max);
    JsonNode colours = page.eval("[...new Set([...document.querySelectorAll('#heatmap .heat-cell')].map(c => getComputedStyle(c).backgroundColor))].length");
    assertTrue(colours.asInt() > 10, "cells are shaded by their value: " + colours);

    // One row per send, with the effects of the evaluated ones; and a recommendation for the next send.
    assertEquals(shifts.size(), page.eval("document.querySelectorAll('#contact-sends tbody tr').length").asInt());
    JsonNode first = page.eval("(() => { const r = document.querySelector('#contact-sends tbody tr');"
        + " return {id: r.dataset.sendId, chips: r.querySelectorAll('.chip').length}; })()");
    assertEquals(shifts.getJsonObject(0).getString("send_id"), first.get("id").asText());
    long namedEffects = shifts.getJsonObject(0).getJsonArray("effects").stream().filter(e -> !((JsonObject) e).getString("event_name").equals("*")).count();
    assertEquals(namedEffects, first.get("chips").asLong(), first.toString());
    assertTrue(page.eval("document.querySelectorAll('#recommendation .chip').length").asInt() >= 2, "a recommendation per dimension");
    page.screenshot(SCREENSHOTS.resolve("contact-laptop.png"));

    page.resize(390, 844, true);
    page.waitFor("document.documentElement.scrollWidth <= 390", WAIT, "the contact's page fits a phone's width");
    page.screenshot(SCREENSHOTS.resolve("contact-phone.png"));

    // The search box leads to another contact; an unknown one says so.
    page.type("#contact-search", "nobody-here");
    page.click(".search button");
    page.waitFor("document.querySelector('#contact-missing')", WAIT, "the page of an unknown contact");
    // The browser logs the server's 404s for it: they are the answer under test, not an error.
    page.errors.removeIf(e -> e.contains("status of 404") && e.contains("/v1/contacts/nobody-here"));
  }

  @Test
  void onAPhoneTheOverviewFitsTheScreenAndItsChartsFollowTheWidth() throws Exception {
    page = signedIn(origin() + "/dashboard", TestServer.KEY, 390, 844, true);
    page.waitFor("document.querySelector('#lift-chart canvas') && document.querySelector('#share-chart canvas')", WAIT, "the charts");
    assertTrue(page.eval("document.documentElement.scrollWidth").asInt() <= 390, "nothing wider than the phone");
    JsonNode widths = page.eval("['lift-chart', 'daily-chart', 'share-chart'].map(id => document.querySelector('#' + id).uplot.width)");
    widths.forEach(w -> assertTrue(w.asInt() >= 280 && w.asInt() <= 366, "a chart within the phone's width: " + widths));
    JsonNode marked = page.eval(MARKED_PIXELS);
    marked.forEach(n -> assertTrue(n.asInt() > 300, "charts drawn on the phone: " + marked));
    page.screenshot(SCREENSHOTS.resolve("dashboard-phone.png"));

    // Turned to landscape, the charts take the new width.
    page.resize(844, 390, true);
    page.waitFor("document.querySelector('#daily-chart').uplot.width > 700", WAIT, "the charts to widen");
  }

  @Test
  void theLiveFeedShowsANewShiftAndCatchesUpWithLastEventIdAfterTheServerWasUnreachable() throws Exception {
    page = signedIn(origin() + "/dashboard", TestServer.KEY, 1366, 768, false);
    page.waitFor("document.querySelector('#feed-state.live')", WAIT, "the live stream");
    String contact = json(server.get("/v1/sends?status=evaluated&limit=1")).getJsonArray("items").getJsonObject(0).getString("contact_id");

    String first = burstAndSend(contact, "live-1", 3);
    page.waitFor("document.querySelector('#feed-list [data-send-id=\"" + first + "\"].fresh')", WAIT, "the new shift in the feed");

    // The server becomes unreachable: the stream drops, and a refresh says so instead of failing silently.
    relay.cut();
    page.waitFor("document.querySelector('#feed-state.reconnecting')", WAIT, "the stream to notice the drop");
    page.click("#refresh-button");
    page.waitFor("document.body.dataset.state === 'error' && !document.querySelector('#banner').hidden"
        + " && document.querySelector('#banner').textContent.includes('Cannot reach')", WAIT, "the unreachable banner");
    assertTrue(page.eval("document.querySelectorAll('#lift-table tbody tr').length").asInt() > 0, "what was read stays on screen");
    page.screenshot(SCREENSHOTS.resolve("dashboard-unreachable.png"));

    // A shift happens while the page cannot hear of it; once the server is back, the stream resumes
    // from the last event it had, and the server replays the shift it missed.
    String missed = burstAndSend(contact, "live-2", 5);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!json(server.get("/v1/sends/" + missed)).getString("status").equals("evaluated")) {
      assertTrue(System.nanoTime() < deadline, "the missed send was evaluated");
      Thread.sleep(100);
    }
    relay.restore();
    page.click("#refresh-button");
    page.waitFor("document.querySelector('#feed-list [data-send-id=\"" + missed + "\"]')", WAIT, "the missed shift, replayed");
    page.waitFor("document.body.dataset.state === 'ready' && document.querySelector('#banner').hidden", WAIT, "the banner to go");
    List<JsonNode> resumed = page.requests.stream()
        .filter(r -> r.get("url").asText().endsWith("/v1/stream/shifts") && r.at("/headers/Last-Event-ID").isTextual()).toList();
    assertFalse(resumed.isEmpty(), "the stream resumed with Last-Event-ID");
    // The drop was seen by the page as a failed fetch: that is the state under test, not an error.
    page.errors.removeIf(e -> e.contains("ERR_CONNECTION") || e.contains("Failed to load resource"));
  }

  /**
   * Posts 12 app_open events of the contact in one hour that ended an hour ago, then a push send at
   * its start whose one-hour window has closed: it is evaluated at once and its verdict is up.
   */
  private static String burstAndSend(String contact, String name, int hoursAgo) {
    Instant sentAt = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(hoursAgo, ChronoUnit.HOURS);
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      events.append(new JsonObject().put("contact_id", contact).put("event_name", "app_open")
          .put("timestamp", sentAt.plusSeconds(60 + 240L * i).toString()).put("event_instance_id", name + "-" + i).encode()).append('\n');
    }
    assertEquals(200, server.post("/v1/events", "application/x-ndjson", events.toString()).statusCode());
    String id = "dash-" + name;
    JsonObject send = new JsonObject().put("send_id", id).put("contact_id", contact).put("message_id", "flash_" + name.replace('-', '_'))
        .put("channel", "push").put("sent_at", sentAt.toString()).put("window_hours", 1);
    HttpResponse<String> r = server.post("/v1/sends", "application/json", new JsonArray().add(send).encode());
    assertEquals(200, r.statusCode(), r.body());
    return id;
  }

  @Test
  void aKeyThatIsUnknownOrMayNotReadIsSentBackToTheFormWithAClearMessage() throws Exception {
    page = browser.open(1366, 768, false);
    page.navigate(origin() + "/dashboard");
    page.waitFor("document.querySelector('#key-input')", WAIT, "the key form");
    page.type("#key-input", "not-a-key");
    page.click("#key-form button[type=submit]");
    page.waitFor("!document.querySelector('#key-error').hidden", WAIT, "the refusal");
    assertTrue(page.eval("document.querySelector('#key-error').textContent").asText().contains("401"));
    page.screenshot(SCREENSHOTS.resolve("key-refused.png"));
    assertTrue(page.eval("sessionStorage.getItem('shiftlens.key') === null").asBoolean());

    String ingestOnly = server.createKey("pipeline", "ingest");
    page.eval("document.querySelector('#key-input').value = ''");
    page.type("#key-input", ingestOnly);
    page.click("#key-form button[type=submit]");
    page.waitFor("document.querySelector('#key-error').textContent.includes('403')", WAIT, "the refusal of a key without the read scope");
    assertTrue(page.eval("sessionStorage.getItem('shiftlens.key') === null").asBoolean());
    assertFalse(page.eval("location.href").asText().contains(ingestOnly));
    // The page asked with the keys, which the server refused: the browser logs those answers.
    page.errors.removeIf(e -> e.contains("status of 401") || e.contains("status of 403"));
  }

  @Test
  void aKeyRevokedWhileThePageIsOpenSendsTheUserBackToTheFormAtTheNextRead() {
    HttpResponse<String> created = server.post("/v1/admin/keys", "application/json", "{\"name\":\"dashboard\",\"scopes\":[\"read\"]}");
    assertEquals(201, created.statusCode(), created.body());
    JsonObject key = new JsonObject(created.body());
    page = signedIn(origin() + "/dashboard", key.getString("key"), 1366, 768, false);
    page.waitFor("document.querySelector('#lift-table')", WAIT, "the overview");
    HttpResponse<String> revoked = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/v1/admin/keys/" + key.getString("id"))))
        .header("Authorization", "Bearer " + TestServer.KEY).DELETE());
    assertEquals(204, revoked.statusCode(), revoked.body());
    page.click("#refresh-button");
    page.waitFor("document.querySelector('#key-form') && document.querySelector('#key-error').textContent.includes('401')", WAIT,
        "the form, saying why");
    assertTrue(page.eval("sessionStorage.getItem('shiftlens.key') === null").asBoolean(), "the refused key is forgotten");
    page.errors.removeIf(e -> e.contains("status of 401"));
  }

  @Test
  void aServerWithNothingEvaluatedShowsTheEmptyState() throws Exception {
    try (TestServer empty = TestServer.start()) {
      page = signedIn(empty.url("/dashboard/"), TestServer.KEY, 1366, 768, false);
      page.waitFor("document.querySelector('#empty-state')", WAIT, "the empty state");
      assertTrue(page.eval("document.querySelector('#empty-state').textContent").asText().contains("No evaluated sends yet"));
      assertEquals(0, page.eval("document.querySelectorAll('#lift-chart').length").asInt());
      page.screenshot(SCREENSHOTS.resolve("dashboard-empty.png"));
      closePage(); // while its server still runs
      page = null;
    }
  }

  @Test
  void theStreamParserReadsEventsSplitAnywhereAcrossChunks() {
    page = browser.open(800, 600, false);
    page.navigate(origin() + "/dashboard");
    page.waitFor("document.readyState === 'complete'", WAIT, "the page");
    String stream = "retry: 5000\\r\\n\\r\\n: heartbeat\\r\\nid: a1\\r\\nevent: shift\\r\\ndata: {\\\"x\\\":1,\\r\\ndata: \\\"y\\\":2}\\r\\n\\r\\n"
        + "event: dropped\\ndata:{\\\"count\\\":3}\\n\\nid: a2\\revent: shift\\rdata: {}\\r\\r\\n";
    JsonNode parsed = page.eval("import('/dashboard/stream.js').then(m => { const text = \"" + stream + "\"; const runs = [];"
        + " for (const size of [1, 2, 3, 7, text.length]) { const events = []; const p = new m.SseParser(e => events.push(e));"
        + "   for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));"
        + "   runs.push({events, lastEventId: p.lastEventId, retry: p.retry}); }"
        + " return runs; })");
    for (JsonNode run : parsed) {
      assertEquals(parsed.get(0), run, "the same events whatever the chunks");
    }
    JsonNode events = parsed.get(0).get("events");
    assertEquals(3, events.size(), parsed.toString());
    assertEquals("shift", events.get(0).get("type").asText());
    assertEquals("{\"x\":1,\n\"y\":2}", events.get(0).get("data").asText());
    assertEquals("a1", events.get(0).get("id").asText());
    assertEquals("dropped", events.get(1).get("type").asText());
    assertEquals("{\"count\":3}", events.get(1).get("data").asText());
    assertEquals("a1", events.get(1).get("id").asText(), "an event without an id keeps the last one");
    assertEquals("a2", parsed.get(0).get("lastEventId").asText());
    assertEquals(5000, parsed.get(0).get("retry").asInt());
  }

  @Test
  void theFilesAreServedWithoutAKeyUnderAPolicyThatKeepsThePageToThisServer() throws Exception {
    HttpResponse<String> pageResponse = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/dashboard"))).GET());
    assertEquals(200, pageResponse.statusCode());
    assertTrue(pageResponse.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    String policy = pageResponse.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(policy.contains("connect-src 'self'") && policy.contains("frame-ancestors 'none'"), policy);
    for (String file : Dashboard.FILES) {
      HttpResponse<String> r = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/dashboard/" + file))).GET());
      assertEquals(200, r.statusCode(), file);
      assertEquals(Dashboard.contentType(file), r.headers().firstValue("Content-Type").orElse(""), file);
    }
    HttpResponse<String> uplot = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/dashboard/uplot.min.js"))).GET());
    assertTrue(uplot.body().contains("uPlot"), "uPlot from its webjar");
    HttpResponse<String> missing = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/dashboard/nothing.js"))).GET());
    assertEquals(404, missing.statusCode());
    assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    // Every file of dashboards/web is served: a file added there and not to Dashboard.FILES would be missing.
    try (var files = Files.list(Path.of("dashboards", "web"))) {
      assertEquals(Dashboard.FILES.stream().sorted().toList(), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
