package dev.shiftlens.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A row of {@code POST /v1/sends}. */
public record DemoSend(
    String sendId,
    String contactId,
    String messageId,
    String channel,
    Instant sentAt,
    double windowHours,
    Map<String, String> labels,
    boolean holdout) {

  public DemoSend {
    labels = Map.copyOf(labels);
  }

  /** End of the response window (exclusive). */
  public Instant windowEnd() {
    return sentAt.plus(Duration.ofSeconds(Math.round(windowHours * 3600)));
  }
}
