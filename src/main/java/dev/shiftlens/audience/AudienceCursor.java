package dev.shiftlens.audience;

import dev.shiftlens.platform.ApiException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of an audience ended: its last contact_id. Clients see it as an opaque base64url
 * string ({@code 1:<contact_id>} inside); the next page starts with the first contact after it in
 * code point order, so that contacts added or removed between pages neither shift nor repeat others.
 */
record AudienceCursor(String lastContactId) {
  private static final String VERSION = "1:";

  String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + lastContactId).getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of a {@code next_cursor}; a 400 naming {@code cursor} for anything else. */
  static AudienceCursor decode(String cursor) {
    ApiException bad = new ApiException(400, "Bad Request",
        "cursor: is not a cursor of an audience; pass the next_cursor of the previous page as it is", new JsonObject().put("field", "cursor"));
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad;
    }
    if (!plain.startsWith(VERSION) || plain.length() == VERSION.length() || plain.indexOf('\u0000') >= 0) throw bad;
    return new AudienceCursor(plain.substring(VERSION.length()));
  }

  /** Orders strings by code point, as PostgreSQL's "C" collation orders their UTF-8 bytes. */
  static int compare(String a, String b) {
    int i = 0, j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i), cb = b.codePointAt(j);
      if (ca != cb) return Integer.compare(ca, cb);
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
