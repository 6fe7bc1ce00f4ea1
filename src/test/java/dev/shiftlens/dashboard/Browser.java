package dev.shiftlens.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools protocol: one WebSocket to the
 * browser, one flattened session per page (tab). Commands are JSON messages with an id; answers
 * carry the same id; events carry a method and their page's session id.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
  private final Map<String, Page> pages = new ConcurrentHashMap<>();

  private Browser(Process process, Path profile, String webSocketUrl) {
    this.process = process;
    this.profile = profile;
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(webSocketUrl), new Listener())
        .join();
  }

  /** Starts Chromium on a fresh profile; fails (not skips) when it is not installed. */
  static Browser launch() throws IOException, InterruptedException {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(CHROMIUM + " is missing: the dashboard's test needs Chromium; "
          + "install it with scripts/services.sh browser (scripts/test.sh does)");
    }
    Path profile = Files.createTempDirectory("shiftlens-chromium-");
    Process process = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "--no-first-run", "--no-default-browser-check", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
        "--disable-extensions", "--disable-sync", "--password-store=basic", "about:blank")
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    // Chromium writes the port it chose, and the browser's WebSocket path, once it listens.
    Path active = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (Files.exists(active)) {
        List<String> lines = Files.readAllLines(active);
        if (lines.size() >= 2) return new Browser(process, profile, "ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String log = Files.exists(profile.resolve("chromium.log")) ? Files.readString(profile.resolve("chromium.log")) : "";
        process.destroyForcibly();
        throw new IllegalStateException("Chromium did not start (exit " + (process.isAlive() ? "none" : process.exitValue())
            + "): " + log);
      }
      Thread.sleep(50);
    }
  }

  /** A new tab of the given size, with the protocol's page, runtime, network and log events on. */
  Page open(int width, int height, boolean mobile) {
    String target = call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
    String session = call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId").asText();
    Page page = new Page(target, session);
    pages.put(session, page);
    for (String domain : List.of("Page", "Runtime", "Network", "Log")) call(session, domain + ".enable", Map.of());
    page.resize(width, height, mobile);
    return page;
  }

  JsonNode call(String session, String method, Map<String, ?> params) {
    long id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", JSON.valueToTree(params));
    if (session != null) message.put("sessionId", session);
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    waiting.put(id, answer);
    socket.sendText(message.toString(), true).join();
    JsonNode reply;
    try {
      reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " got no answer: " + e, e);
    } finally {
      waiting.remove(id);
    }
    if (reply.has("error")) throw new IllegalStateException(method + " failed: " + reply.get("error"));
    return reply.get("result");
  }

  @Override
  public void close() throws IOException {
    try {
      call(null, "Browser.close", Map.of());
    } catch (RuntimeException ignored) {
      // it may close the socket before it answers
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Answers complete their command; events go to their page. Messages may come in several frames. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        try {
          JsonNode node = JSON.readTree(message);
          if (node.has("id")) {
            CompletableFuture<JsonNode> answer = waiting.get(node.get("id").asLong());
            if (answer != null) answer.complete(node);
          } else if (node.has("sessionId")) {
            Page page = pages.get(node.get("sessionId").asText());
            if (page != null) page.event(node.get("method").asText(), node.get("params"));
          }
        } catch (IOException e) {
          throw new IllegalStateException("not JSON from Chromium: " + message, e);
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** One tab: navigation, script evaluation, what it logged and requested, screenshots. */
  final class Page {
    final String target;
    final String session;
    /** Console errors, uncaught exceptions and browser log errors (CSP refusals, failed loads). */
    final List<String> errors = new CopyOnWriteArrayList<>();
    /** Every request: its URL and headers. */
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    private Page(String target, String session) {
      this.target = target;
      this.session = session;
    }

    private void event(String method, JsonNode params) {
      switch (method) {
        case "Runtime.exceptionThrown" -> errors.add("exception: " + params.at("/exceptionDetails").toString());
        case "Runtime.consoleAPICalled" -> {
          if (params.get("type").asText().equals("error")) errors.add("console: " + params.get("args").toString());
        }
        case "Log.entryAdded" -> {
          if (params.at("/entry/level").asText().equals("error")) errors.add("log: " + params.at("/entry/text").asText() + " " + params.at("/entry/url").asText());
        }
        case "Network.requestWillBeSent" -> requests.add(params.get("request"));
        default -> { }
      }
    }

    void resize(int width, int height, boolean mobile) {
      call(session, "Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
          "deviceScaleFactor", 1, "mobile", mobile));
    }

    void navigate(String url) {
      call(session, "Page.navigate", Map.of("url", url));
    }

    /** The value of a script (awaited when it is a promise); fails on an exception in the page. */
    JsonNode eval(String script) {
      JsonNode r = call(session, "Runtime.evaluate", Map.of("expression", script, "awaitPromise", true, "returnByValue", true));
      if (r.has("exceptionDetails")) throw new IllegalStateException("the page threw on " + script + ": " + r.get("exceptionDetails"));
      return r.at("/result/value");
    }

    /** Evaluates condition until it is true; fails with what after timeout. */
    void waitFor(String condition, Duration timeout, String what) {
      waitUntil(() -> eval("!!(" + condition + ")").asBoolean(), timeout, what);
    }

    void waitUntil(BooleanSupplier condition, Duration timeout, String what) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out waiting for " + what + "; page errors: " + errors
              + "; page text: " + eval("document.body ? document.body.innerText.slice(0, 1500) : ''").asText());
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }

    /** Types text into the element of selector, as a user would (key events, then input). */
    void type(String selector, String text) {
      eval("document.querySelector(" + JSON.valueToTree(selector) + ").focus()");
      call(session, "Input.insertText", Map.of("text", text));
    }

    void click(String selector) {
      eval("document.querySelector(" + JSON.valueToTree(selector) + ").click()");
    }

    /** Moves the mouse to (x, y) in CSS pixels of the viewport. */
    void hover(double x, double y) {
      call(session, "Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
    }

    /** A PNG of the whole page, not only of the viewport. */
    void screenshot(Path file) throws IOException {
      JsonNode metrics = call(session, "Page.getLayoutMetrics", Map.of());
      double width = metrics.at("/cssContentSize/width").asDouble();
      double height = metrics.at("/cssContentSize/height").asDouble();
      JsonNode shot = call(session, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
          "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    List<String> requestUrls() {
      List<String> out = new ArrayList<>();
      requests.forEach(r -> out.add(r.get("url").asText()));
      return out;
    }

    void close() {
      call(null, "Target.closeTarget", Map.of("targetId", target));
      pages.remove(session);
    }
  }
}
