package dev.shiftlens.query;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.QueryParams;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The query parameters of {@code GET /v1/metrics/sends}, checked: a bad one is a 400 that names it. An
 * empty parameter is the same as an absent one. Times are compared with the stored {@code sent_at} to
 * the second.
 *
 * @param groupBy {@code message_id}, {@code channel}, {@code day}, {@code send_hour} or {@code label}
 * @param labelKey the label key when {@code groupBy} is {@code label}, else ""
 * @param fromSeconds first second of sent_at included
 * @param toSeconds first second of sent_at excluded
 * @param messageId "" for all messages
 * @param channel "" for all channels
 */
record MetricsQuery(String groupBy, String labelKey, String eventName, long fromSeconds, long toSeconds,
    String messageId, String channel) {
  static final List<String> GROUPS = List.of("message_id", "channel", "label:<key>", "day", "send_hour");
  /** The range of ClickHouse's DateTime. */
  static final long MAX_SECONDS = 4_294_967_295L;

  static MetricsQuery parse(MultiMap params) {
    String group = QueryParams.single(params, "group_by");
    if (group == null) throw ApiException.badField("group_by", "is required: one of " + String.join(", ", GROUPS));
    String groupBy;
    String labelKey = "";
    if (group.startsWith("label:")) {
      groupBy = "label";
      labelKey = group.substring("label:".length());
      if (labelKey.isEmpty() || labelKey.length() > 256) {
        throw ApiException.badField("group_by", "needs a label key of 1 to 256 characters after 'label:'");
      }
      // visitParamExtractString matches the key as it is written in the stored JSON: a key that JSON
      // would escape cannot be matched, so it is refused rather than silently finding nothing.
      for (int i = 0; i < labelKey.length(); i++) {
        char c = labelKey.charAt(i);
        if (c == '"' || c == '\\' || c < 0x20) {
          throw ApiException.badField("group_by", "label keys with quotes, backslashes or control characters are not supported");
        }
      }
    } else if (List.of("message_id", "channel", "day", "send_hour").contains(group)) {
      groupBy = group;
    } else {
      throw ApiException.badField("group_by", "must be one of " + String.join(", ", GROUPS) + ", got '" + abbreviate(group) + "'");
    }
    String eventName = QueryParams.single(params, "event_name");
    if (eventName == null) eventName = "*";
    if (eventName.length() > 256) throw ApiException.badField("event_name", "must be at most 256 characters");
    long from = seconds(params, "from", false);
    long to = seconds(params, "to", true);
    if (from > to) throw ApiException.badField("to", "must not be before 'from'");
    String messageId = QueryParams.single(params, "message_id");
    String channel = QueryParams.single(params, "channel");
    return new MetricsQuery(groupBy, labelKey, eventName, from, to, messageId == null ? "" : messageId,
        channel == null ? "" : channel);
  }

  /** How the response names the grouping: as it was asked for. */
  String groupByName() {
    return groupBy.equals("label") ? "label:" + labelKey : groupBy;
  }

  /** A time as epoch seconds: {@code from} rounded up, {@code to} rounded up too (exclusive), clamped to DateTime's range. */
  private static long seconds(MultiMap params, String name, boolean isTo) {
    String v = QueryParams.single(params, name);
    if (v == null) return isTo ? MAX_SECONDS : 0;
    long millis = QueryParams.timeMillis(name, v);
    long s = Math.floorDiv(millis + 999, 1000);
    return Math.max(0, Math.min(MAX_SECONDS, s));
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
