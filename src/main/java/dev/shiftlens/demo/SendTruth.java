package dev.shiftlens.demo;

import java.time.Instant;
import java.util.Map;

/**
 * What really happened around one send. All maps are keyed by every event name of the dataset.
 *
 * @param lift the planted lift of this send's message: the multiplicative lift applied to the
 *     contact's rate in the window for a delivered send, 1 for a holdout (nothing was delivered)
 * @param expected the true expected count in the window WITHOUT any effect: the integral over the
 *     window of the contact's rate times the hour-of-week profile, 0 after the contact lapsed,
 *     and with sessions the mean number of events of sessions started up to an hour before that
 *     land in the window. An engine's {@code expected} should approach this.
 * @param expectedWithEffects the true expected count in the window with every planted effect in
 *     force: this send's and those of other sends whose windows overlap it, including sessions
 *     that an earlier effect started and that trail into the window. Equal to
 *     {@code expected * lift} only without sessions and overlaps (the plain demo)
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
    Map<String, Double> expectedWithEffects,
    Map<String, Integer> observed) {

  public SendTruth {
    lift = Map.copyOf(lift);
    expected = Map.copyOf(expected);
    expectedWithEffects = Map.copyOf(expectedWithEffects);
    observed = Map.copyOf(observed);
  }

  /** The true expected count in the window with every effect in force. */
  public double expectedWithEffect(String eventName) {
    return expectedWithEffects.get(eventName);
  }

  /** Whether no effect at all (this send's or another's) touches the window's rates. */
  public boolean unaffected() {
    return expected.equals(expectedWithEffects);
  }
}
