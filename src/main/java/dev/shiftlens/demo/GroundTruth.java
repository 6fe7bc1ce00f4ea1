package dev.shiftlens.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The truth behind a demo dataset, to check an analytics engine against.
 *
 * @param profile the hour-of-week activity profile in local time (168 values, Monday 00:00 first,
 *     mean 1) shared by every contact
 * @param ratePerDay per contact id, the true mean rate per day of each event name, before lifts;
 *     the rate in a given hour is {@code ratePerDay / 24 * profile[local hour of week]} until the
 *     contact lapses, 0 after
 * @param events the number of events in the dataset
 * @param behavior the behavior the dataset was generated with
 * @param zones per contact id, the zone whose clock the contact lives by, also for the contacts
 *     whose row and events carry none
 * @param lapsedAt per contact id of a contact that lapsed, the moment its activity stopped
 * @param expectedEvents the true expected number of events in the dataset, every effect included
 */
public record GroundTruth(
    long seed,
    Instant anchor,
    int days,
    List<Double> profile,
    List<DemoMessage> messages,
    Map<String, Map<String, Double>> ratePerDay,
    List<SendTruth> sends,
    long events,
    Behavior behavior,
    Map<String, String> zones,
    Map<String, Instant> lapsedAt,
    double expectedEvents) {

  public GroundTruth {
    profile = List.copyOf(profile);
    messages = List.copyOf(messages);
    ratePerDay = Map.copyOf(ratePerDay);
    sends = List.copyOf(sends);
    zones = Map.copyOf(zones);
    lapsedAt = Map.copyOf(lapsedAt);
  }

  public Optional<SendTruth> send(String sendId) {
    return sends.stream().filter(s -> s.sendId().equals(sendId)).findFirst();
  }

  public Optional<DemoMessage> message(String messageId) {
    return messages.stream().filter(m -> m.messageId().equals(messageId)).findFirst();
  }

  /**
   * Writes the truth as one JSON document, creating the parent folders. The plain demo's document
   * is as it always was; other behaviors add their name, the zones, the lapses, the expected
   * number of events and each send's {@code expected_with_effects}.
   */
  public void writeJson(Path file) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    DemoRows.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), DemoRows.truth(this));
  }
}
