package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that send their headers or bodies a byte at a time are cut; the others are served. */
class SlowClientsEndToEndTest {
  private static final int SLOTS = 20;
  private static TestServer server;
  private static ScheduledExecutorService drip;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(
        "SHIFTLENS_MAX_CONCURRENT_INGESTS", String.valueOf(SLOTS),
        "SHIFTLENS_MIN_UPLOAD_BYTES_PER_SECOND", "1024",
        "SHIFTLENS_UPLOAD_GRACE_SECONDS", "2",
        "SHIFTLENS_HEADER_TIMEOUT_SECONDS", "2"));
    drip = Executors.newScheduledThreadPool(4);
  }

  @AfterAll
  static void stop() {
    drip.shutdownNow();
    if (server != null) server.close();
  }

  /** Writes {@code bytes} to the socket one byte every {@code millis}, until they run out or the socket fails. */
  private static void trickle(Socket socket, byte[] bytes, long millis) {
    int[] at = {0};
    drip.scheduleAtFixedRate(() -> {
      if (at[0] >= bytes.length) throw new IllegalStateException("done"); // ends the schedule
      try {
        OutputStream out = socket.getOutputStream();
        out.write(bytes[at[0]++]);
        out.flush();
      } catch (IOException closed) {
        throw new IllegalStateException("closed"); // ends the schedule
      }
    }, 0, millis, TimeUnit.MILLISECONDS);
  }

  /** Milliseconds until the server answered or closed the connection, and the answer's status line ("" when none). */
  private record Cut(long millis, String status) {}

  private static Cut awaitCut(Socket socket, long since) {
    StringBuilder line = new StringBuilder();
    try {
      InputStream in = socket.getInputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') line.append((char) c);
    } catch (IOException reset) {
      // closed: as good as an answer
    }
    return new Cut((System.nanoTime() - since) / 1_000_000, line.toString());
  }

  private static String ingestHead(int length) {
    return "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.KEY
        + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + length + "\r\n\r\n";
  }

  @Test
  void slowUploadsAreCutWithin408AndANormalIngestionSucceedsMeanwhile() throws Exception {
    byte[] body = TestEvents.ndjson("slow-", 200, 1).getBytes(StandardCharsets.UTF_8);
    List<Socket> sockets = new ArrayList<>();
    List<CompletableFuture<Cut>> cuts = new ArrayList<>();
    long started = System.nanoTime();
    try {
      for (int i = 0; i < 2 * SLOTS; i++) {
        Socket s = new Socket("127.0.0.1", server.port);
        s.setSoTimeout(30_000);
        sockets.add(s);
        s.getOutputStream().write(ingestHead(body.length).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        trickle(s, body, 1000);
        cuts.add(CompletableFuture.supplyAsync(() -> awaitCut(s, started)));
      }
      Thread.sleep(500);
      // Every slot is held by a slow upload: a normal body is refused until they are cut.
      HttpResponse<String> ok;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      do {
        ok = server.post("/v1/events", "application/x-ndjson", TestEvents.ndjson("fast-", 5, 1));
        if (ok.statusCode() != 200) Thread.sleep(200);
      } while (ok.statusCode() != 200 && System.nanoTime() < deadline);
      long servedAfter = (System.nanoTime() - started) / 1_000_000;
      assertEquals(200, ok.statusCode(), ok.body());
      assertTrue(servedAfter < 6000, "a normal ingestion waited " + servedAfter + " ms for the slow uploads to be cut");
      for (CompletableFuture<Cut> f : cuts) {
        Cut cut = f.get(30, TimeUnit.SECONDS);
        assertTrue(cut.millis() < 6000, "a slow upload was cut after " + cut.millis() + " ms");
        assertTrue(cut.status().isEmpty() || cut.status().startsWith("HTTP/1.1 408 ") || cut.status().startsWith("HTTP/1.1 503 "),
            cut.status());
      }
      assertTrue(cuts.stream().anyMatch(f -> f.join().status().startsWith("HTTP/1.1 408 ")), "slow uploads are told 408");
    } finally {
      for (Socket s : sockets) s.close();
    }
  }

  @Test
  void headersSentAByteAtATimeAreCutAtTheHeaderDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port)) {
      s.setSoTimeout(30_000);
      long started = System.nanoTime();
      trickle(s, ingestHead(10).getBytes(StandardCharsets.US_ASCII), 200);
      Cut cut = awaitCut(s, started);
      assertTrue(cut.millis() >= 1500 && cut.millis() < 3500, "cut after " + cut.millis() + " ms");
      assertTrue(cut.status().isEmpty() || cut.status().startsWith("HTTP/1.1 408 "), cut.status());
    }
  }

  @Test
  void aKeptAliveConnectionMayIdleButItsNextRequestsHeadersHaveTheDeadlineToo() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      String get = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
      out.write(get.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(readAnswer(in).startsWith("HTTP/1.1 200 "));
      Thread.sleep(3000); // idle for longer than the header deadline: allowed
      out.write(get.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(readAnswer(in).startsWith("HTTP/1.1 200 "));
      long started = System.nanoTime();
      trickle(s, get.getBytes(StandardCharsets.US_ASCII), 300);
      Cut cut = awaitCut(s, started);
      assertTrue(cut.millis() < 3500, "cut after " + cut.millis() + " ms");
    }
  }

  /** Reads one answer (headers and a Content-Length body); returns its head. */
  private static String readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) throw new IOException("closed");
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
    }
    in.readNBytes(length);
    return head.toString();
  }
}
