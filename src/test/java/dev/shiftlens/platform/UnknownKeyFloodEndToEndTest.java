package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.PrometheusText;
import dev.shiftlens.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A flood of random keys must not take capacity from a stored key: unknown keys are refused from the
 * server's index of known keys, without asking PostgreSQL.
 */
class UnknownKeyFloodEndToEndTest {

  @Test
  void aStoredKeyAlwaysSucceedsDuringAFloodOfUnknownKeysAndUnknownKeysCostNoLookups() throws Exception {
    // A one-second cache makes the stored key be looked up again during the flood.
    try (TestServer server = TestServer.start(Map.of("SHIFTLENS_KEY_CACHE_SECONDS", "1", "SHIFTLENS_KEY_MAX_LOOKUPS", "4"))) {
      String key = server.createKey("dashboard", "read");
      double lookupsBefore = lookups(server);

      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      ExecutorService flooders = Executors.newFixedThreadPool(32);
      List<CompletableFuture<Integer>> flood = new ArrayList<>();
      try {
        for (int i = 0; i < 800; i++) {
          String random = ApiKeys.newKey();
          flood.add(CompletableFuture.supplyAsync(() -> status(client, server, random), flooders));
        }
        List<Integer> valid = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          valid.add(status(client, server, key));
          Thread.sleep(100);
        }
        assertEquals(java.util.Collections.nCopies(20, 200), valid, "answers to the stored key during the flood");
        for (CompletableFuture<Integer> f : flood) assertEquals(401, f.get().intValue());
      } finally {
        flooders.shutdownNow();
      }
      double lookups = lookups(server) - lookupsBefore;
      // Only the stored key is ever looked up: about once per cache second of the test.
      assertTrue(lookups <= 10, lookups + " key lookups in PostgreSQL during a flood of 800 unknown keys");
      PrometheusText metrics = scrape(server);
      assertTrue(metrics.sum("shiftlens_api_key_refused_total", "reason", "unknown") >= 800, "unknown keys are counted");
    }
  }

  private static int status(HttpClient client, TestServer server, String key) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(server.url("/v1/status"))).header("Authorization", "Bearer " + key)
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static PrometheusText scrape(TestServer server) {
    return PrometheusText.parse(server.send(HttpRequest.newBuilder(URI.create(server.url("/metrics"))).GET()).body());
  }

  private static double lookups(TestServer server) {
    return scrape(server).sum("shiftlens_api_key_lookups_total");
  }
}
