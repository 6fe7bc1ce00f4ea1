package dev.shiftlens.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shiftlens.stats.AggregateLift;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code GET /v1/metrics/sends} should answer, recomputed in Java from the rows stored in
 * {@code send_effects}, read back as they are: each send's counts of one event name, summed per contact
 * within a group and arm (the contact is the unit), sends that overlap another's window left out of
 * the sums, the looks at the ends of the UTC days of evaluation and the p-values as running minimums
 * over them.
 */
final class StoredEffects {
  private StoredEffects() {}

  /** One stored send, folded for one event name. */
  record Send(String sendId, String contactId, String messageId, String channel, String label, boolean holdout,
      long sentAt, int sendHour, String status, boolean overlapping, long evaluatedDay, double observed, double expected,
      boolean up, boolean down) {
    boolean counted() {
      return status.equals("evaluated") && !overlapping;
    }

    String key(String groupBy) {
      return switch (groupBy) {
        case "message_id" -> messageId;
        case "channel" -> channel;
        case "day" -> java.time.LocalDate.ofEpochDay(Math.floorDiv(sentAt, 86400)).toString();
        case "send_hour" -> Integer.toString(sendHour);
        default -> label;
      };
    }
  }

  /** The stored sends of a database (FINAL: as last evaluated), with their counts of {@code eventName}; {@code labelKey} for label groups. */
  static List<Send> read(String database, String eventName, String labelKey) {
    String tsv = TestStores.clickhouse("SELECT send_id, contact_id, message_id, channel, visitParamExtractString(labels, '"
        + labelKey + "'), holdout, toUInt32(sent_at), send_hour, status, overlapping, toUInt32(evaluated_at), event_name, "
        + "observed, expected, verdict FROM " + database + ".send_effects FINAL FORMAT TabSeparated");
    Map<String, Send> sends = new LinkedHashMap<>();
    if (tsv.isEmpty()) return List.of();
    for (String line : tsv.split("\n")) {
      String[] f = line.split("\t", -1);
      String name = f[11];
      boolean mine = name.equals(eventName);
      Send s = sends.get(f[0]);
      double o = (s == null ? 0 : s.observed()) + (mine ? Double.parseDouble(f[12]) : 0);
      double e = (s == null ? 0 : s.expected()) + (mine ? Double.parseDouble(f[13]) : 0);
      boolean up = (s != null && s.up()) || (mine && f[14].equals("up"));
      boolean down = (s != null && s.down()) || (mine && f[14].equals("down"));
      sends.put(f[0], new Send(f[0], f[1], f[2], f[3], f[4], f[5].equals("1"), Long.parseLong(f[6]), Integer.parseInt(f[7]),
          f[8], f[9].equals("1"), Long.parseLong(f[10]) / 86400, o, e, up, down));
    }
    return new ArrayList<>(sends.values());
  }

  /** The expected group of a response, by key: the figures that the report computes from the clustered sums. */
  static Map<String, JsonObject> expectedGroups(List<Send> sends, String groupBy, double alpha) {
    Map<String, List<Send>> byKey = new TreeMap<>();
    for (Send s : sends) byKey.computeIfAbsent(s.key(groupBy), k -> new ArrayList<>()).add(s);
    Map<String, JsonObject> out = new HashMap<>();
    byKey.forEach((key, group) -> {
      TreeSet<Long> days = new TreeSet<>();
      group.forEach(s -> days.add(s.evaluatedDay()));
      List<AggregateLift.Sums> treated = looks(group, false, days);
      List<AggregateLift.Sums> holdout = looks(group, true, days);
      AggregateLift.Sums t = treated.get(treated.size() - 1);
      AggregateLift.Sums h = holdout.get(holdout.size() - 1);
      AggregateLift.Estimate lift = AggregateLift.of(t, alpha);
      AggregateLift.Estimate adjusted = AggregateLift.ratio(t, h, alpha);
      JsonObject o = new JsonObject()
          .put("sends", (long) group.size())
          .put("evaluated", group.stream().filter(s -> s.status().equals("evaluated")).count())
          .put("holdouts", group.stream().filter(Send::holdout).count())
          .put("overlapping", group.stream().filter(Send::overlapping).count())
          .put("contacts", t.n())
          .put("holdout_contacts", h.n())
          .put("observed", t.observed())
          .put("expected", t.expected())
          .put("lift", lift.defined() ? lift.lift() : null)
          .put("ci_low", lift.defined() ? lift.interval().low() : null)
          .put("ci_high", lift.defined() && Double.isFinite(lift.interval().high()) ? lift.interval().high() : null)
          .put("p_value", lift.defined() ? AggregateLift.runningPValue(treated) : null)
          .put("adjusted_p_value", adjusted.defined() ? AggregateLift.runningRatioPValue(treated, holdout) : null)
          .put("share_up", share(group, false, true))
          .put("share_down", share(group, false, false))
          .put("holdout_share_up", share(group, true, true))
          .put("holdout_share_down", share(group, true, false));
      out.put(key, o);
    });
    return out;
  }

  /** Checks a response's groups against {@link #expectedGroups}. */
  static void check(List<JsonObject> groups, Map<String, JsonObject> want) {
    assertEquals(want.size(), groups.size(), "groups: " + groups);
    for (JsonObject g : groups) {
      Object k = g.getValue("key");
      JsonObject w = want.get(k == null ? "" : k.toString());
      String what = g.encode() + "\nwant " + w;
      for (String f : List.of("sends", "evaluated", "holdouts", "overlapping", "contacts", "holdout_contacts")) {
        assertEquals(w.getLong(f), g.getLong(f), f + ": " + what);
      }
      for (String f : List.of("observed", "expected", "lift", "ci_low", "ci_high", "p_value", "adjusted_p_value", "share_up",
          "share_down", "holdout_share_up", "holdout_share_down")) {
        if (w.getValue(f) == null) {
          assertEquals(null, g.getValue(f), f + ": " + what);
        } else {
          double x = w.getDouble(f);
          assertEquals(x, g.getDouble(f), 1e-9 * Math.max(1, Math.abs(x)), f + ": " + what);
        }
      }
    }
  }

  /** The arm's sums over contacts at the end of each day: each contact's counted sends summed first. */
  private static List<AggregateLift.Sums> looks(List<Send> group, boolean holdout, TreeSet<Long> days) {
    List<AggregateLift.Sums> out = new ArrayList<>();
    for (long day : days) {
      Map<String, double[]> perContact = new HashMap<>();
      for (Send s : group) {
        if (s.holdout() != holdout || !s.counted() || s.evaluatedDay() > day) continue;
        double[] c = perContact.computeIfAbsent(s.contactId(), x -> new double[2]);
        c[0] += s.observed();
        c[1] += s.expected();
      }
      AggregateLift.Sums sums = AggregateLift.Sums.EMPTY;
      for (double[] c : perContact.values()) sums = sums.plus(c[0], c[1]);
      out.add(sums);
    }
    return out;
  }

  private static Double share(List<Send> group, boolean holdout, boolean up) {
    long of = group.stream().filter(s -> s.holdout() == holdout && s.counted()).count();
    long n = group.stream().filter(s -> s.holdout() == holdout && s.counted() && (up ? s.up() : s.down())).count();
    return of == 0 ? null : (double) n / of;
  }
}
