package dev.shiftlens.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's synthetic event stream, generated deterministically from a seed and held in
 * compact columns, so that both phases serialize exactly the same rows.
 *
 * <p>Timestamps lie in the {@value #DAYS} days before the anchor (today 00:00 UTC), so none is in
 * the future. Every event has a distinct {@code event_instance_id}, so none is a duplicate.
 */
final class Events {
  static final int CONTACTS = 100_000;
  static final int DAYS = 30;
  static final String[] NAMES = {"app_open", "screen_view", "add_to_cart", "purchase", "push_open"};
  /** Cumulative weights of {@link #NAMES}, out of 100. */
  private static final int[] NAME_WEIGHTS = {35, 75, 90, 95, 100};
  private static final String[] SCREENS = {"home", "search", "cart", "profile"};
  private static final String TIMEZONE = "Europe/Berlin";

  final int size;
  final long anchorEpochSecond;
  private final String idPrefix; // "b-" for measured events, another prefix for the server's warm-up
  private String contactPrefix = "c"; // Segment messages only: another one keeps a warm-up's contacts apart
  private final int[] contact;
  private final int[] secondOffset; // seconds before the anchor, 1 .. DAYS*86400
  private final short[] millis;
  private final byte[] name;
  private final byte[] screen; // -1: no metadata
  private final String[] dayText; // "yyyy-MM-dd" for each day index since the first day
  private final String ingestedAt; // "yyyy-MM-dd hh:mm:ss"

  private Events(int size, long anchorEpochSecond, String idPrefix) {
    this.size = size;
    this.idPrefix = idPrefix;
    this.anchorEpochSecond = anchorEpochSecond;
    contact = new int[size];
    secondOffset = new int[size];
    millis = new short[size];
    name = new byte[size];
    screen = new byte[size];
    dayText = new String[DAYS + 1];
    ingestedAt = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .format(java.time.LocalDateTime.ofEpochSecond(anchorEpochSecond, 0, java.time.ZoneOffset.UTC));
    LocalDate first = LocalDate.ofEpochDay(Math.floorDiv(anchorEpochSecond, 86_400L) - DAYS);
    for (int d = 0; d <= DAYS; d++) {
      dayText[d] = first.plusDays(d).toString();
    }
  }

  /** Today at 00:00 UTC: the newest timestamp is just before it. */
  static long anchorFromNow() {
    return Instant.now().truncatedTo(ChronoUnit.DAYS).getEpochSecond();
  }

  static Events generate(int size, long seed, long anchorEpochSecond) {
    return generate(size, seed, anchorEpochSecond, "b-");
  }

  static Events generate(int size, long seed, long anchorEpochSecond, String idPrefix) {
    Events e = new Events(size, anchorEpochSecond, idPrefix);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      e.contact[i] = random.nextInt(CONTACTS);
      e.secondOffset[i] = 1 + random.nextInt(DAYS * 86_400);
      e.millis[i] = (short) random.nextInt(1000);
      int w = random.nextInt(100);
      int n = 0;
      while (w >= NAME_WEIGHTS[n]) {
        n++;
      }
      e.name[i] = (byte) n;
      boolean withScreen = n <= 1 && random.nextInt(4) == 0;
      e.screen[i] = (byte) (withScreen ? random.nextInt(SCREENS.length) : -1);
    }
    return e;
  }

  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    return k ^ (k >>> 33);
  }

  /** Segment messages name their contacts with this prefix instead of {@code c}. */
  Events withContactPrefix(String prefix) {
    contactPrefix = prefix;
    return this;
  }

  /** One contact in five is in Berlin and says so on every event; the others send no zone. */
  private boolean hasTimezone(int i) {
    return contact[i] % 5 == 0;
  }

  /** NDJSON bodies for {@code POST /v1/events}: {@code batch} events each, the last maybe fewer. */
  List<Body> ndjson(int batch) {
    return serialize(batch, this::writeNdjson);
  }

  /**
   * The same events as Segment {@code track} messages in {@code /v1/batch} bodies of at most {@code maxMessages}
   * messages and {@code maxBytes}
   * (the Segment HTTP API allows 500 KB a batch): {@code userId} the contact, {@code messageId} the instance id,
   * {@code context.timezone} and {@code properties} as the NDJSON rows have them.
   */
  List<Body> segmentBatches(int maxBytes, int maxMessages) {
    List<Body> bodies = new ArrayList<>();
    Ascii out = new Ascii(maxBytes + 1024);
    Ascii message = new Ascii(512);
    int rows = 0;
    out.add("{\"batch\":[");
    for (int i = 0; i < size; i++) {
      message.reset();
      writeTrack(message, i);
      if (rows > 0 && (rows >= maxMessages || out.size() + message.size() + 3 > maxBytes)) {
        out.add("]}");
        bodies.add(new Body(out.toByteArray(), rows));
        out.reset();
        out.add("{\"batch\":[");
        rows = 0;
      }
      if (rows > 0) out.add(',');
      out.add(message);
      rows++;
    }
    if (rows > 0) {
      out.add("]}");
      bodies.add(new Body(out.toByteArray(), rows));
    }
    return bodies;
  }

  // {"type":"track","userId":"c012345","event":"app_open","messageId":"s-000001234",
  //  "timestamp":"2026-11-02T10:11:12.345Z","context":{"timezone":"Europe/Berlin"},"properties":{"screen":"home"}}
  private void writeTrack(Ascii out, int i) {
    out.add("{\"type\":\"track\",\"userId\":\"").add(contactPrefix).digits(contact[i], 6);
    out.add("\",\"event\":\"").add(NAMES[name[i]]);
    out.add("\",\"messageId\":\"").add(idPrefix).digits(i, 9);
    out.add("\",\"timestamp\":\"");
    writeTime(out, i, 'T');
    out.add('.').digits(millis[i], 3).add("Z\"");
    if (hasTimezone(i)) {
      out.add(",\"context\":{\"timezone\":\"").add(TIMEZONE).add("\"}");
    }
    if (screen[i] >= 0) {
      out.add(",\"properties\":{\"screen\":\"").add(SCREENS[screen[i]]).add("\"}");
    }
    out.add('}');
  }

  /** JSONEachRow bodies for ClickHouse's own inserts (phases B and C): the same rows in the same batches. */
  List<Body> jsonEachRow(int batch) {
    return serialize(batch, this::writeJsonEachRow);
  }

  private interface RowWriter {
    void write(Ascii out, int i);
  }

  private List<Body> serialize(int batch, RowWriter writer) {
    List<Body> bodies = new ArrayList<>((size + batch - 1) / batch);
    Ascii out = new Ascii(batch * 192);
    for (int from = 0; from < size; from += batch) {
      int to = Math.min(size, from + batch);
      out.reset();
      for (int i = from; i < to; i++) {
        writer.write(out, i);
      }
      bodies.add(new Body(out.toByteArray(), to - from));
    }
    return bodies;
  }

  // {"contact_id":"c012345","timestamp":"2026-11-02T10:11:12.345Z","event_name":"app_open",
  //  "event_instance_id":"b-000001234","timezone":"Europe/Berlin","metadata":{"screen":"home"}}
  private void writeNdjson(Ascii out, int i) {
    out.add("{\"contact_id\":\"c").digits(contact[i], 6);
    out.add("\",\"timestamp\":\"");
    writeTime(out, i, 'T');
    out.add('.').digits(millis[i], 3).add("Z\",\"event_name\":\"").add(NAMES[name[i]]);
    out.add("\",\"event_instance_id\":\"").add(idPrefix).digits(i, 9).add('"');
    if (hasTimezone(i)) {
      out.add(",\"timezone\":\"").add(TIMEZONE).add('"');
    }
    if (screen[i] >= 0) {
      out.add(",\"metadata\":{\"screen\":\"").add(SCREENS[screen[i]]).add("\"}");
    }
    out.add("}\n");
  }

  // {"contact_id":"c012345","ts":"2026-11-02 10:11:12","ts_ms":345,"event_name":"app_open",
  //  "event_instance_id":"b-000001234","timezone":"","metadata":"{\"screen\":\"home\"}"}
  private void writeJsonEachRow(Ascii out, int i) {
    out.add("{\"contact_id\":\"c").digits(contact[i], 6).add("\",\"ts\":\"");
    writeTime(out, i, ' ');
    out.add("\",\"ts_ms\":").digits(millis[i], 1);
    out.add(",\"event_name\":\"").add(NAMES[name[i]]);
    out.add("\",\"event_instance_id\":\"").add(idPrefix).digits(i, 9);
    out.add("\",\"timezone\":\"").add(hasTimezone(i) ? TIMEZONE : "");
    out.add("\",\"metadata\":\"");
    if (screen[i] >= 0) {
      out.add("{\\\"screen\\\":\\\"").add(SCREENS[screen[i]]).add("\\\"}");
    }
    // The server's stored columns too: a 16-byte key as random as the server's, and the ingestion time.
    out.add("\",\"event_key\":\"").add(String.format("%016x", mix(i * 0x9E3779B97F4A7C15L + contact[i])));
    out.add("\",\"ingested_at\":\"").add(ingestedAt).add("\"}\n");
  }

  /** {@code yyyy-MM-dd<sep>HH:mm:ss} in UTC. */
  private void writeTime(Ascii out, int i, char separator) {
    int sinceFirstDay = DAYS * 86_400 - secondOffset[i];
    int secondOfDay = sinceFirstDay % 86_400;
    out.add(dayText[sinceFirstDay / 86_400]).add(separator);
    out.digits(secondOfDay / 3600, 2).add(':').digits(secondOfDay / 60 % 60, 2).add(':');
    out.digits(secondOfDay % 60, 2);
  }

  /** The event's time, for tests and spot checks. */
  Instant timestamp(int i) {
    return Instant.ofEpochSecond(anchorEpochSecond - secondOffset[i], millis[i] * 1_000_000L);
  }

  /** A request body ready to send, and the number of rows in it. */
  record Body(byte[] bytes, int rows) {}

  /** A growable byte buffer for ASCII text, without the locking of ByteArrayOutputStream. */
  static final class Ascii {
    private byte[] buf;
    private int size;

    Ascii(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    Ascii add(String s) {
      int n = s.length();
      ensure(n);
      for (int k = 0; k < n; k++) {
        buf[size++] = (byte) s.charAt(k);
      }
      return this;
    }

    Ascii add(char c) {
      ensure(1);
      buf[size++] = (byte) c;
      return this;
    }

    /** {@code value} (not negative) in decimal, left-padded with zeros to {@code width} digits. */
    Ascii digits(int value, int width) {
      int len = 1;
      for (int rest = value / 10; rest > 0; rest /= 10) {
        len++;
      }
      len = Math.max(width, len);
      ensure(len);
      for (int k = size + len - 1; k >= size; k--, value /= 10) {
        buf[k] = (byte) ('0' + value % 10);
      }
      size += len;
      return this;
    }

    /** Appends another buffer's bytes. */
    Ascii add(Ascii other) {
      ensure(other.size);
      System.arraycopy(other.buf, 0, buf, size, other.size);
      size += other.size;
      return this;
    }

    int size() {
      return size;
    }

    void reset() {
      size = 0;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
