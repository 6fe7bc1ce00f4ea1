package dev.shiftlens.contactview;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.Dispersion;
import dev.shiftlens.baseline.HourGrid;
import dev.shiftlens.baseline.HourOfWeekProfile;
import dev.shiftlens.baseline.Lapse;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.stats.GammaPrior;
import dev.shiftlens.stats.WindowCountTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * A contact's baseline as {@code GET /v1/contacts/{id}/baseline} shows it: the very baseline a send
 * going out at {@code as_of} would be measured against. Pure: no I/O, any thread.
 *
 * <p>The baseline period is the engine's ({@link Baseline#of}): the {@code days} (28 by default) whole
 * hours before the hour of {@code as_of}, starting two hours after the hour of the contact's first event, with the
 * response windows of its delivered sends left out; for a contact that stopped, its silence since its latest
 * event ({@link Lapse}). Per event name the contact performed in the
 * {@code days} before that hour (or since, up to {@code as_of}):
 * <ul>
 *   <li>{@code count_28d}: its events in the {@code days} before the hour of {@code as_of}, all of them,
 *       windows of sends included (what the contact did);
 *   <li>{@code rate_per_day}: the baseline's count (windows left out) divided by the days the baseline
 *       covers (days observed: since the first event, windows left out), not by 28;
 *   <li>{@code shrunk_rate_per_day}: 24 x the posterior mean rate per exposure hour,
 *       {@code (a + n/phi) / (b + E_b/phi)} ({@link WindowCountTest#rate}), with the population's Gamma prior
 *       {@code (a, b)} of the name (Jeffreys' where the population has none) and the contact's dispersion
 *       {@code phi} at the time scale of the window asked for ({@code window_hours}, 24 by default), where exposure is the population's hour-of-week
 *       profile summed over the baseline's hours: what sends' expected counts come from;
 *   <li>{@code hour_of_week}: 168 expected counts, Monday 00:00 local first: that rate times the profile's
 *       weight of the hour, so that the expected count of a send's window is the sum over its hours;
 *   <li>{@code last_seen}: the start of the (UTC) hour of its latest event in an hour that starts before
 *       {@code as_of}: hourly counts are what the store keeps per contact, raw events are not read.
 * </ul>
 */
final class BaselineView {
  private static final long HOUR_MS = 3_600_000L;

  private BaselineView() {}

  /**
   * @param history the contact's hourly counts over the hours that start from {@code days} before the
   *     hour of as_of up to as_of
   * @param leftOut windows of the contact's delivered sends that went out before as_of
   */
  static JsonObject of(String contactId, ContactHistory history, long asOfMillis, List<Baseline.Span> leftOut,
      PopulationModel model, int days, double windowHours) {
    long to = Math.floorDiv(asOfMillis, HOUR_MS) * HOUR_MS;
    long from = to - days * 24L * HOUR_MS;
    PopulationModel.Reading reading = model.reading(history); // as the engine reads the contact
    history = reading.history();
    HourOfWeekProfile profile = reading.profile();
    Baseline period = Baseline.of(history, asOfMillis, leftOut, profile, days);
    // A contact that stopped is read against its silence, as the engine reads it (Lapse).
    Baseline baseline = Lapse.silence(history, period, leftOut, profile, model).orElse(period);
    // The engine's model for a window of windowHours, on the same hours.
    HourGrid grid = HourGrid.of(history.zone(), baseline.fromMillis(), baseline.toMillis(), leftOut, profile);
    int blockHours = Dispersion.blockHours(windowHours);

    TreeSet<String> names = new TreeSet<>();
    history.series().forEach((name, series) -> {
      if (series.count(from, asOfMillis) > 0) names.add(name);
    });
    JsonArray events = new JsonArray();
    for (String name : names) {
      ContactHistory.Series series = history.series().get(name);
      long n = baseline.count(name);
      GammaPrior prior = model.prior(name);
      Double perHour = null;
      if (baseline.exposure() > 0) {
        double phi = model.counting(name, grid, series, n, blockHours).dispersion();
        perHour = WindowCountTest.rate(n, baseline.exposure(), prior, phi);
      }
      JsonArray byHour = null;
      if (perHour != null) {
        byHour = new JsonArray();
        for (int h = 0; h < HourOfWeekProfile.HOURS; h++) byHour.add(round(perHour * profile.weight(h)));
      }
      Long last = latestHour(series, from, asOfMillis);
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

  /** Start of the latest hour with an event that starts in {@code [fromMillis, toMillis)}, or null. */
  private static Long latestHour(ContactHistory.Series series, long fromMillis, long toMillis) {
    if (series == null) return null;
    long[] hours = series.hours();
    for (int i = hours.length - 1; i >= 0; i--) {
      long at = hours[i] * HOUR_MS;
      if (at < toMillis && at >= fromMillis && series.counts()[i] > 0) return at;
      if (at < fromMillis) break;
    }
    return null;
  }

  private static double round(double x) {
    return Math.round(x * 1e9) / 1e9;
  }
}
