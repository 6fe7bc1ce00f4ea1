package dev.shiftlens.contactview;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.HourOfWeekProfile;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.stats.GammaPrior;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A contact's baseline as {@code GET /v1/contacts/{id}/baseline} shows it: the very baseline a send
 * going out at {@code as_of} would be measured against. Pure: no I/O, any thread.
 *
 * <p>The baseline period is the engine's ({@link Baseline#of}): the {@code days} (28 by default) whole
 * hours before the hour of {@code as_of}, starting no earlier than the contact's first event, with the
 * response windows of its delivered sends left out. Per event name the contact performed in the
 * {@code days} before that hour (or since, up to {@code as_of}):
 * <ul>
 *   <li>{@code count_28d}: its events in the {@code days} before the hour of {@code as_of}, all of them,
 *       windows of sends included (what the contact did);
 *   <li>{@code rate_per_day}: the baseline's count (windows left out) divided by the days the baseline
 *       covers (days observed: since the first event, windows left out), not by 28;
 *   <li>{@code shrunk_rate_per_day}: 24 x the posterior mean rate per exposure hour,
 *       {@code (a + n) / (b + E_b)}, with the population's Gamma prior {@code (a, b)} of the name (the raw
 *       {@code n / E_b} where the population has none), where exposure is the population's hour-of-week
 *       profile summed over the baseline's hours: what sends' expected counts come from;
 *   <li>{@code hour_of_week}: 168 expected counts, Monday 00:00 local first: that rate times the profile's
 *       weight of the hour, so that the expected count of a send's window is the sum over its hours;
 *   <li>{@code last_seen}: the time of its latest event before {@code as_of}.
 * </ul>
 */
final class BaselineView {
  private static final long HOUR_MS = 3_600_000L;

  private BaselineView() {}

  /**
   * @param history the contact's hourly counts over at least the {@code days} before the hour of as_of
   * @param leftOut windows of the contact's delivered sends that went out before as_of
   * @param lastSeen per event name, its latest event before as_of (epoch ms)
   */
  static JsonObject of(String contactId, ContactHistory history, long asOfMillis, List<Baseline.Span> leftOut,
      PopulationModel model, int days, Map<String, Long> lastSeen) {
    HourOfWeekProfile profile = model.profile();
    long to = Math.floorDiv(asOfMillis, HOUR_MS) * HOUR_MS;
    long from = to - days * 24L * HOUR_MS;
    Baseline baseline = Baseline.of(history, asOfMillis, leftOut, profile, days);

    TreeSet<String> names = new TreeSet<>(lastSeen.keySet());
    history.series().forEach((name, series) -> {
      if (series.count(from, to) > 0) names.add(name);
    });
    JsonArray events = new JsonArray();
    for (String name : names) {
      ContactHistory.Series series = history.series().get(name);
      long n = baseline.count(name);
      GammaPrior prior = model.prior(name);
      Double perHour = prior != null ? Double.valueOf(prior.posteriorMean(n, baseline.exposure()))
          : baseline.exposure() > 0 ? Double.valueOf(n / baseline.exposure()) : null;
      JsonArray byHour = null;
      if (perHour != null) {
        byHour = new JsonArray();
        for (int h = 0; h < HourOfWeekProfile.HOURS; h++) byHour.add(round(perHour * profile.weight(h)));
      }
      Long last = lastSeen.get(name);
      events.add(new JsonObject()
          .put("event_name", name)
          .put("count_28d", series == null ? 0 : series.count(from, to))
          .put("rate_per_day", baseline.days() > 0 ? round(n / baseline.days()) : null)
          .put("shrunk_rate_per_day", perHour == null ? null : round(perHour * 24))
          .put("hour_of_week", byHour)
          .put("last_seen", last == null ? null : Instant.ofEpochMilli(last).toString())
          .put("baseline_count", n));
    }
    return new JsonObject()
        .put("contact_id", contactId)
        .put("timezone", history.zone().getId())
        .put("as_of", Instant.ofEpochMilli(asOfMillis).toString())
        .put("baseline", new JsonObject()
            .put("from", Instant.ofEpochMilli(baseline.fromMillis()).toString())
            .put("to", Instant.ofEpochMilli(baseline.toMillis()).toString())
            .put("days", round(baseline.days()))
            .put("exposure_hours", round(baseline.exposure()))
            .put("windows_left_out", leftOut.stream()
                .filter(w -> w.fromMillis() < baseline.toMillis() && w.toMillis() > baseline.fromMillis()).count()))
        .put("events", events);
  }

  private static double round(double x) {
    return Math.round(x * 1e9) / 1e9;
  }
}
