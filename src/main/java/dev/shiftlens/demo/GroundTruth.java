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
 *     the rate in a given hour is {@code ratePerDay / 24 * profile[local hour of week]}
 * @param events the number of events in the dataset
 */
public record GroundTruth(
    long seed,
    Instant anchor,
    int days,
    List<Double> profile,
    List<DemoMessage> messages,
    Map<String, Map<String, Double>> ratePerDay,
    List<SendTruth> sends,
    long events) {

  public GroundTruth {
    profile = List.copyOf(profile);
    messages = List.copyOf(messages);
    ratePerDay = Map.copyOf(ratePerDay);
    sends = List.copyOf(sends);
  }

  public Optional<SendTruth> send(String sendId) {
    return sends.stream().filter(s -> s.sendId().equals(sendId)).findFirst();
  }

  public Optional<DemoMessage> message(String messageId) {
    return messages.stream().filter(m -> m.messageId().equals(messageId)).findFirst();
  }

  /** Writes the truth as one JSON document, creating the parent folders. */
  public void writeJson(Path file) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    DemoRows.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), DemoRows.truth(this));
  }
}
