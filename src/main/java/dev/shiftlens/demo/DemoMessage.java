package dev.shiftlens.demo;

import java.util.Map;

/**
 * A message of the demo catalog and the effect planted for it.
 *
 * @param lift planted multiplicative lift per event name, applied to the contact's rate for the
 *     response window of every delivered (non-holdout) send; event names not listed have lift 1
 * @param holdoutShare probability that a send of this message is a holdout
 */
public record DemoMessage(
    String messageId,
    String channel,
    double windowHours,
    Map<String, String> labels,
    double holdoutShare,
    Map<String, Double> lift) {

  public DemoMessage {
    labels = Map.copyOf(labels);
    lift = Map.copyOf(lift);
  }

  public double liftFor(String eventName) {
    return lift.getOrDefault(eventName, 1.0);
  }

  public boolean hasEffect() {
    return !lift.isEmpty();
  }
}
