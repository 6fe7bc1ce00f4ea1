package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.PrometheusText;
import dev.shiftlens.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compressed bodies that unpack to far more than they weigh: refused ones are never unpacked, and
 * accepted ones only up to the size limit.
 */
class GzipBombEndToEndTest {
  private static final long LIMIT = 8 << 20;
  /** 1 GiB of zeros, gzipped: about a megabyte. */
  private static byte[] bomb;
  private static TestServer server;

  @BeforeAll
  static void start() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 1024; i++) z.write(zeros);
    }
    bomb = out.toByteArray();
    server = TestServer.start(Map.of("SHIFTLENS_MAX_BODY_BYTES", String.valueOf(LIMIT)));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** Sends a request over a socket of its own and returns the status line of the answer (null: closed without one). */
  private static String send(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(body);
        out.flush();
      } catch (IOException closedEarly) {
        // the server may answer and close before it reads the whole body
      }
      return statusLine(socket.getInputStream());
    }
  }

  /**
   * Sends the headers and the first 64 KiB of a bomb without a key, and returns the whole answer once
   * the server has closed the connection (it must not wait for, nor read, the rest of the body).
   */
  private static String refusedAndClosed() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(2_000); // an answer followed by a connection left open fails here
      OutputStream out = socket.getOutputStream();
      out.write(head(null, bomb.length).getBytes(StandardCharsets.US_ASCII));
      out.write(bomb, 0, 64 << 10);
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') line.append((char) c);
    return line.length() == 0 ? null : line.toString();
  }

  private static String head(String key, long length, String... more) {
    return head("application/x-ndjson", key, length, more);
  }

  private static String head(String type, String key, long length, String... more) {
    StringBuilder h = new StringBuilder("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + type + "\r\n"
        + "Content-Encoding: gzip\r\nContent-Length: " + length + "\r\n");
    if (key != null) h.append("Authorization: Bearer ").append(key).append("\r\n");
    for (String m : more) h.append(m).append("\r\n");
    return h.append("\r\n").toString();
  }

  private static long healthMillis() {
    long started = System.nanoTime();
    int status = server.send(HttpRequest.newBuilder(URI.create(server.url("/health"))).GET()).statusCode();
    assertEquals(200, status);
    return (System.nanoTime() - started) / 1_000_000;
  }

  private static double decoded() {
    return PrometheusText.parse(server.send(HttpRequest.newBuilder(URI.create(server.url("/metrics"))).GET()).body())
        .sum("shiftlens_ingest_decoded_bytes_total");
  }

  @Test
  void bombsWithoutAKeyAre401QuicklyAndHealthStaysResponsive() throws Exception {
    healthMillis(); // the client's connection and the server's code paths warmed up
    AtomicBoolean sending = new AtomicBoolean(true);
    CompletableFuture<Long> slowestHealth = CompletableFuture.supplyAsync(() -> {
      long worst = 0;
      while (sending.get()) worst = Math.max(worst, healthMillis());
      return worst;
    });
    double before = decoded();
    List<CompletableFuture<String>> bombs = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      bombs.add(CompletableFuture.supplyAsync(() -> {
        try {
          return send(head(null, bomb.length), bomb);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<String> b : bombs) assertEquals("HTTP/1.1 401 Unauthorized", b.get());
    String answer = refusedAndClosed();
    assertTrue(answer.startsWith("HTTP/1.1 401 ") && answer.toLowerCase().contains("connection: close"), answer);
    long millis = (System.nanoTime() - started) / 1_000_000;
    sending.set(false);
    long worst = slowestHealth.get();
    assertTrue(millis < 1000, "four refused bombs took " + millis + " ms");
    assertTrue(worst < 500, "/health took " + worst + " ms while refused bombs arrived");
    assertEquals(0, decoded() - before, "refused bodies are never decompressed");
  }

  @Test
  void aBombWithAKeyIs413WithoutDecompressingPastTheLimit() throws Exception {
    double before = decoded();
    long started = System.nanoTime();
    String status = send(head(TestServer.KEY, bomb.length), bomb);
    assertTrue(status.startsWith("HTTP/1.1 413 "), status);
    long millis = (System.nanoTime() - started) / 1_000_000;
    double unpacked = decoded() - before;
    assertTrue(unpacked > LIMIT && unpacked <= LIMIT + (64 << 10), unpacked + " bytes decompressed for a limit of " + LIMIT);
    assertTrue(millis < 1000, "the bomb took " + millis + " ms");
    assertEquals(200, server.post("/v1/events", "application/x-ndjson", dev.shiftlens.support.TestEvents.ndjson("after-", 2, 1)).statusCode());
  }

  @Test
  void aBombWhoseFirstByteIsBadIs400AfterOnePieceIsDecompressed() throws Exception {
    double before = decoded();
    String status = send(head("application/json", TestServer.KEY, bomb.length), bomb);
    assertTrue(status.startsWith("HTTP/1.1 400 "), status);
    double unpacked = decoded() - before;
    assertTrue(unpacked > 0 && unpacked <= 64 << 10, unpacked + " bytes decompressed of a body whose first byte is not JSON");
  }

  @Test
  void expectContinueWithoutAKeyIs401WithoutContinue() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head(null, bomb.length, "Expect: 100-continue").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertEquals("HTTP/1.1 401 Unauthorized", statusLine(socket.getInputStream()));
    }
  }

  @Test
  void expectContinueWithAKeyGetsContinueThenTheAnswer() throws Exception {
    byte[] body = TestServer.gzip(dev.shiftlens.support.TestEvents.ndjson("continued-", 3, 1).getBytes(StandardCharsets.UTF_8));
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head(TestServer.KEY, body.length, "Expect: 100-continue").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertEquals("HTTP/1.1 100 Continue", statusLine(in));
      assertEquals("", statusLine(in) == null ? "" : "unexpected");
      out.write(body);
      out.flush();
      assertEquals("HTTP/1.1 200 OK", statusLine(in));
    }
  }
}
