package dev.shiftlens.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The short texts of tool results: each number with its interval and what it means, in one line. */
final class Texts {
  private Texts() {}

  /** Two decimals below 10, one below 100, none above; trailing zeros dropped: 3.1, 0.42, 1.25, 27, 1234. */
  static String num(Double x) {
    if (x == null) return "n/a";
    double a = Math.abs(x);
    if (a >= 100) return String.format(Locale.ROOT, "%.0f", x);
    if (a >= 10) return strip(String.format(Locale.ROOT, "%.1f", x));
    if (a >= 1 || a == 0) return strip(String.format(Locale.ROOT, "%.2f", x));
    return String.format(Locale.ROOT, "%.2g", x);
  }

  private static String strip(String decimal) {
    if (!decimal.contains(".")) return decimal;
    String s = decimal.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** A count or a length of time: whole numbers without decimals (3, 24), others as {@link #num}. */
  static String whole(Double x) {
    if (x != null && x == Math.rint(x) && Math.abs(x) < 1e9) return String.valueOf(x.longValue());
    return num(x);
  }

  static String p(Double p) {
    if (p == null) return "p n/a";
    if (p < 0.001) return "p < 0.001";
    return "p = " + String.format(Locale.ROOT, p < 0.01 ? "%.3f" : "%.2f", p);
  }

  static String interval(Double low, Double high) {
    // An upper bound in the thousands says only that the data cannot bound the ratio yet.
    String top = high == null ? "unbounded" : high > 1000 ? "over 1000" : num(high);
    return "95% CI " + num(low) + "-" + top;
  }

  /** "purchase 3.1x the baseline (95% CI 1.4-6.2; 3 observed vs 0.97 expected) ...; p = 0.003, P(up) = 0.99: up" */
  static String effect(JsonObject effect, JsonObject send) {
    String name = effect.getString("event_name");
    String what = "*".equals(name) ? "all events (reward-weighted)" : name;
    String after = " in the " + whole(send.getDouble("window_hours")) + " h after " + send.getString("message_id")
        + " by " + send.getString("channel") + (Boolean.TRUE.equals(send.getBoolean("holdout")) ? " (held out: not sent)" : "");
    String counts = whole(effect.getDouble("observed")) + " observed vs " + whole(effect.getDouble("expected")) + " expected";
    Double ratio = effect.getDouble("rate_ratio");
    String head = ratio == null
        ? what + ": " + counts + " (no ratio: the baseline expects nothing)"
        : what + " " + num(ratio) + "x the baseline (" + interval(effect.getDouble("ci_low"), effect.getDouble("ci_high")) + "; " + counts + ")";
    return head + after + "; " + p(effect.getDouble("p_value")) + ", P(rate went up) = " + num(effect.getDouble("prob_increase"))
        + "; verdict " + effect.getString("verdict");
  }

  /** One send: its status, then its "*" effect and every effect with a verdict; the quiet ones counted. */
  static String send(JsonObject send) {
    StringBuilder b = new StringBuilder();
    b.append("send ").append(send.getString("send_id")).append(": ").append(send.getString("message_id"))
        .append(" by ").append(send.getString("channel")).append(" at ").append(send.getString("sent_at"));
    if (Boolean.TRUE.equals(send.getBoolean("holdout"))) b.append(" (holdout: deliberately not sent)");
    JsonObject labels = send.getJsonObject("labels");
    if (labels != null && !labels.isEmpty()) b.append(", labels ").append(labels.encode());
    String status = send.getString("status");
    switch (status == null ? "" : status) {
      case "pending" -> b.append(": pending (window ends ").append(send.getString("window_end")).append("; not evaluated yet)");
      case "insufficient_history" -> b.append(": insufficient_history (the contact was seen for too short a time before the send"
          + " to have a baseline; no effect was computed, which says nothing either way)");
      default -> {
        b.append(": evaluated");
        JsonArray effects = send.getJsonArray("effects", new JsonArray());
        int quiet = 0;
        for (Object o : effects) {
          JsonObject e = (JsonObject) o;
          if ("*".equals(e.getString("event_name")) || !"none".equals(e.getString("verdict"))) {
            b.append("\n  - ").append(effect(e, send));
          } else {
            quiet++;
          }
        }
        if (quiet > 0) b.append("\n  - ").append(quiet).append(" other event name(s) with verdict none (no evidence of a change)");
        if (send.getString("overlaps_send_id") != null) {
          b.append("\n  - its window overlaps that of send ").append(send.getString("overlaps_send_id"))
              .append(", whose effect may be mixed in");
        }
      }
    }
    return b.toString();
  }

  /** Every effect of the send, one a line. */
  static String sendInFull(JsonObject send) {
    if (!"evaluated".equals(send.getString("status"))) return send(send);
    StringBuilder b = new StringBuilder(send(send).lines().findFirst().orElse(""));
    for (Object o : send.getJsonArray("effects", new JsonArray())) b.append("\n  - ").append(effect((JsonObject) o, send));
    if (send.getString("overlaps_send_id") != null) {
      b.append("\n  - its window overlaps that of send ").append(send.getString("overlaps_send_id")).append(", whose effect may be mixed in");
    }
    return b.toString();
  }

  static String lines(List<String> lines) {
    return String.join("\n", lines);
  }

  static List<String> list() {
    return new ArrayList<>();
  }
}
