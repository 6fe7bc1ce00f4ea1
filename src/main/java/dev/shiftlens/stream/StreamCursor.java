package dev.shiftlens.stream;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.KeysetCursor;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * The {@code id} of a streamed send, which a client sends back as {@code Last-Event-ID} to resume:
 * the send's (evaluated_at, send_id), as an opaque base64url string with
 * {@code 1:<evaluated_at in epoch microseconds>:<send_id>} inside (PostgreSQL keeps microseconds).
 */
record StreamCursor(long evaluatedAtMicros, String sendId) {
  /** 2000-01-01 to 2100-01-01: outside, PostgreSQL's timestamps and ours part ways, and no send is evaluated there. */
  private static final long EARLIEST_MICROS = 946_684_800_000_000L;
  private static final long LATEST_MICROS = 4_102_444_800_000_000L;

  /** The cursor of a send as the API shows it (evaluated_at is an RFC 3339 string). */
  static StreamCursor of(String evaluatedAt, String sendId) {
    return of(KeysetCursor.of(Instant.parse(evaluatedAt), sendId));
  }

  OffsetDateTime evaluatedAt() {
    return position().time();
  }

  String encode() {
    return position().encode();
  }

  /** The cursor of an event id of this stream; a 400 naming {@code field} for anything else. */
  static StreamCursor decode(String id, String field) {
    return of(KeysetCursor.decode(id.strip(), EARLIEST_MICROS, LATEST_MICROS,
        ApiException.badField(field, "is not the id of an event of this stream; send back an id as it was received")));
  }

  private KeysetCursor position() {
    return new KeysetCursor(evaluatedAtMicros, sendId);
  }

  private static StreamCursor of(KeysetCursor position) {
    return new StreamCursor(position.micros(), position.key());
  }
}
