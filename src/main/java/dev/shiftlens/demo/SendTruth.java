package dev.shiftlens.demo;

import java.time.Instant;
import java.util.Map;

/**
 * What really happened around one send. All maps are keyed by every event name of the dataset.
 *
 * @param lift the multiplicative lift applied to the contact's rate in the window: the message's
 *     planted lift for a delivered send, 1 for a holdout (nothing was delivered)
 * @param expected the true expected count in the window WITHOUT any effect: the integral over the
 *     window of the contact's rate times the hour-of-week profile. An engine's {@code expected}
 *     should approach this.
 * @param observed the number of generated events in the window
 */
public record SendTruth(
    String sendId,
    String contactId,
    String messageId,
    Instant sentAt,
    Instant windowEnd,
    boolean holdout,
    Map<String, Double> lift,
    Map<String, Double> expected,
    Map<String, Integer> observed) {

  public SendTruth {
    lift = Map.copyOf(lift);
    expected = Map.copyOf(expected);
    observed = Map.copyOf(observed);
  }

  /** The true expected count in the window with the effect: {@code expected * lift}. */
  public double expectedWithEffect(String eventName) {
    return expected.get(eventName) * lift.get(eventName);
  }
}
