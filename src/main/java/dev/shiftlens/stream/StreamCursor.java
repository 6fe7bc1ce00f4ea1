package dev.shiftlens.stream;

import dev.shiftlens.platform.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * The {@code id} of a streamed send, which a client sends back as {@code Last-Event-ID} to resume:
 * the send's (evaluated_at, send_id), as an opaque base64url string with
 * {@code 1:<evaluated_at in epoch microseconds>:<send_id>} inside (PostgreSQL keeps microseconds).
 */
record StreamCursor(long evaluatedAtMicros, String sendId) {
  private static final String VERSION = "1";

  /** The cursor of a send as the API shows it (evaluated_at is an RFC 3339 string). */
  static StreamCursor of(String evaluatedAt, String sendId) {
    Instant t = Instant.parse(evaluatedAt);
    return new StreamCursor(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000), sendId);
  }

  OffsetDateTime evaluatedAt() {
    return OffsetDateTime.ofInstant(Instant.EPOCH.plus(evaluatedAtMicros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  String encode() {
    String plain = VERSION + ":" + evaluatedAtMicros + ":" + sendId;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of an event id of this stream; a 400 naming {@code field} for anything else. */
  static StreamCursor decode(String id, String field) {
    ApiException bad = ApiException.badField(field, "is not the id of an event of this stream; send back an id as it was received");
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(id.strip()), StandardCharsets.UTF_8);
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
    // 2000-01-01 to 2100-01-01: outside, PostgreSQL's timestamps and ours part ways, and no send is evaluated there.
    if (micros < 946_684_800_000_000L || micros >= 4_102_444_800_000_000L) throw bad;
    return new StreamCursor(micros, parts[2]);
  }
}
