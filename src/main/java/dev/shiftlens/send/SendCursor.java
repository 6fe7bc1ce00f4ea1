package dev.shiftlens.send;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.KeysetCursor;
import java.time.OffsetDateTime;

/**
 * Where a page of {@code GET /v1/sends} ended: the (sent_at, send_id) of its last send. Clients see
 * it as an opaque base64url string, {@code 1:<sent_at in epoch microseconds>:<send_id>} inside, so
 * that the next page starts exactly after it (PostgreSQL keeps microseconds).
 */
record SendCursor(long sentAtMicros, String sendId) {
  static SendCursor after(OffsetDateTime sentAt, String sendId) {
    return of(KeysetCursor.of(sentAt.toInstant(), sendId));
  }

  OffsetDateTime sentAt() {
    return position().time();
  }

  String encode() {
    return position().encode();
  }

  /** The cursor of a {@code next_cursor}; a 400 naming {@code cursor} for anything else. */
  static SendCursor decode(String cursor) {
    return of(KeysetCursor.decode(cursor, SendListQuery.EARLIEST * 1000, SendListQuery.LATEST * 1000,
        ApiException.badField("cursor", "is not a cursor of this list; pass the next_cursor of the previous page as it is")));
  }

  private KeysetCursor position() {
    return new KeysetCursor(sentAtMicros, sendId);
  }

  private static SendCursor of(KeysetCursor position) {
    return new SendCursor(position.micros(), position.key());
  }
}
