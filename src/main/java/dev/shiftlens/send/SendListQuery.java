package dev.shiftlens.send;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.QueryParams;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The query parameters of {@code GET /v1/sends}, checked: a bad one is a 400 that names it. An empty
 * parameter ({@code contact_id=}) is the same as an absent one. Null fields do not filter.
 */
record SendListQuery(
    String contactId,
    String messageId,
    String status,
    OffsetDateTime from,
    OffsetDateTime to,
    SendCursor after,
    int limit) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final List<String> STATUSES = List.of("pending", "evaluated", "insufficient_history");
  /** Times PostgreSQL and the API both handle: years 1 to 9999 (epoch milliseconds). */
  static final long EARLIEST = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
  static final long LATEST = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli() + 1;

  static SendListQuery parse(MultiMap params) {
    String contactId = QueryParams.single(params, "contact_id");
    String messageId = QueryParams.single(params, "message_id");
    String status = QueryParams.single(params, "status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badField("status", "must be one of " + String.join(", ", STATUSES) + ", got '" + abbreviate(status) + "'");
    }
    OffsetDateTime from = time(params, "from");
    OffsetDateTime to = time(params, "to");
    if (from != null && to != null && from.isAfter(to)) {
      throw ApiException.badField("to", "must not be before 'from' (" + from.toInstant() + "), got " + to.toInstant());
    }
    String cursor = QueryParams.single(params, "cursor");
    return new SendListQuery(contactId, messageId, status, from, to, cursor == null ? null : SendCursor.decode(cursor), limit(params));
  }

  /**
   * The parameters of {@code GET /v1/contacts/{contact_id}/shifts}: those of {@code GET /v1/sends}, the
   * contact given by the path (a {@code contact_id} parameter as well is a 400).
   */
  static SendListQuery forContact(String contactId, MultiMap params) {
    if (params.contains("contact_id")) throw ApiException.badField("contact_id", "is given by the path, not as a parameter");
    SendListQuery q = parse(params);
    return new SendListQuery(contactId, q.messageId(), q.status(), q.from(), q.to(), q.after(), q.limit());
  }

  private static OffsetDateTime time(MultiMap params, String name) {
    String v = QueryParams.single(params, name);
    if (v == null) return null;
    long millis = QueryParams.timeMillis(name, v);
    if (millis < EARLIEST || millis >= LATEST) throw ApiException.badField(name, "must be a time between the years 1 and 9999");
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  private static int limit(MultiMap params) {
    String v = QueryParams.single(params, "limit");
    if (v == null) return DEFAULT_LIMIT;
    int limit;
    try {
      limit = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.badField("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", got '" + abbreviate(v) + "'");
    }
    if (limit < 1 || limit > MAX_LIMIT) throw ApiException.badField("limit", "must be from 1 to " + MAX_LIMIT + ", got " + limit);
    return limit;
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
