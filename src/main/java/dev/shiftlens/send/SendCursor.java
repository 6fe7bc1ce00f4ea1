package dev.shiftlens.send;

import dev.shiftlens.platform.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Where a page of {@code GET /v1/sends} ended: the (sent_at, send_id) of its last send. Clients see
 * it as an opaque base64url string, {@code 1:<sent_at in epoch microseconds>:<send_id>} inside, so
 * that the next page starts exactly after it (PostgreSQL keeps microseconds).
 */
record SendCursor(long sentAtMicros, String sendId) {
  private static final String VERSION = "1";

  static SendCursor after(OffsetDateTime sentAt, String sendId) {
    Instant t = sentAt.toInstant();
    return new SendCursor(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000), sendId);
  }

  OffsetDateTime sentAt() {
    return OffsetDateTime.ofInstant(Instant.EPOCH.plus(sentAtMicros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  String encode() {
    String plain = VERSION + ":" + sentAtMicros + ":" + sendId;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of a {@code next_cursor}; a 400 naming {@code cursor} for anything else. */
  static SendCursor decode(String cursor) {
    ApiException bad = ApiException.badField("cursor", "is not a cursor of this list; pass the next_cursor of the previous page as it is");
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad;
    }
    String[] parts = plain.split(":", 3);
    if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[2].isEmpty() || parts[2].indexOf('\u0000') >= 0) throw bad;
    long micros;
    try {
      micros = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      throw bad;
    }
    if (micros < SendListQuery.EARLIEST * 1000 || micros >= SendListQuery.LATEST * 1000) throw bad;
    return new SendCursor(micros, parts[2]);
  }
}
