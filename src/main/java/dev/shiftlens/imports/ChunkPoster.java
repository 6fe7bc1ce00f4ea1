package dev.shiftlens.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Posts one chunk to an ingestion endpoint and returns the server's answer. A chunk refused for a passing reason
 * (503 or 429 with or without {@code Retry-After}, 502/504 from a proxy, a connection error or a time-out) is sent
 * again after a growing pause: ingestion is idempotent (events by key, sends by id, contacts are upserts that end in
 * the same state when applied twice in a row), so a chunk that was partly stored before the failure cannot be
 * counted twice. Any other answer stops the import. Runs on the importing thread.
 */
final class ChunkPoster {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The server refused a chunk in a way that sending it again will not fix, or kept failing. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI endpoint;
  private final String key;
  private final String contentType;
  private final int maxAttempts;
  private final long firstPauseMs;
  private final Consumer<String> notes;

  ChunkPoster(URI endpoint, String key, String contentType, int maxAttempts, long firstPauseMs, Consumer<String> notes) {
    this.endpoint = endpoint;
    this.key = key;
    this.contentType = contentType;
    this.maxAttempts = maxAttempts;
    this.firstPauseMs = firstPauseMs;
    this.notes = notes;
  }

  /** The answer {@code {"accepted", "duplicates", "rejected": [...]}} of a 200. */
  JsonNode post(byte[] body, String where) throws Refused, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofMinutes(5))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    String problem = "";
    for (int attempt = 1; ; attempt++) {
      long pause = Math.min(30_000, firstPauseMs << Math.min(20, attempt - 1));
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 200) return JSON.readTree(response.body());
        problem = "HTTP " + status + ": " + detail(response.body());
        if (status != 503 && status != 429 && status != 502 && status != 504) {
          String hint = status == 413 ? " (use a smaller --chunk-rows)" : status == 401 || status == 403 ? " (check --key or SHIFTLENS_API_KEY)" : "";
          throw new Refused("the server refused " + where + ": " + problem + hint);
        }
        pause = response.headers().firstValue("Retry-After").flatMap(ChunkPoster::seconds).map(s -> s * 1000).orElse(pause);
      } catch (IOException e) {
        problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (attempt >= maxAttempts) {
        throw new Refused(where + " failed " + attempt + " times, the last: " + problem);
      }
      notes.accept(where + ": " + problem + "; retrying in " + pause + " ms (attempt " + (attempt + 1) + " of " + maxAttempts + ")");
      Thread.sleep(pause);
    }
  }

  /** A problem+json's detail (and the rows it says were stored), or the body itself. */
  private static String detail(String body) {
    try {
      JsonNode problem = JSON.readTree(body);
      if (problem.hasNonNull("detail")) {
        return problem.get("detail").asText() + (problem.has("accepted") ? " (" + problem.get("accepted").asLong() + " rows of it stored)" : "");
      }
    } catch (IOException e) {
      // not JSON: the body as it is
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  private static Optional<Long> seconds(String retryAfter) {
    try {
      return Optional.of(Math.max(0, Long.parseLong(retryAfter.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty(); // an HTTP date: our own pause will do
    }
  }
}
