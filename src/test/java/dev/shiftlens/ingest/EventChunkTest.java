package dev.shiftlens.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventChunkTest {
  private static final long INGESTED_AT = Instant.parse("2026-11-28T12:00:00Z").getEpochSecond();

  /** Reads ClickHouse RowBinary: LEB128 string lengths, little-endian integers, fixed strings. */
  private static final class RowBinary {
    private final ByteBuffer in;

    RowBinary(EventChunk chunk) {
      in = ByteBuffer.wrap(chunk.bytes(), 0, chunk.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    }

    String string() {
      int length = 0;
      for (int shift = 0; ; shift += 7) {
        int b = in.get() & 0xff;
        length |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      byte[] bytes = new byte[length];
      in.get(bytes);
      return new String(bytes, UTF_8);
    }

    long uint32() {
      return in.getInt() & 0xffff_ffffL;
    }

    int uint16() {
      return in.getShort() & 0xffff;
    }

    byte[] fixedString(int n) {
      byte[] bytes = new byte[n];
      in.get(bytes);
      return bytes;
    }

    int remaining() {
      return in.remaining();
    }
  }

  /** The 16 bytes of a key as the chunk should write them: the high half little-endian, then the low half. */
  private static byte[] keyBytes(EventKey key) {
    return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(key.hi()).putLong(key.lo()).array();
  }

  private static void assertRow(RowBinary in, EventRow e, EventKey key) {
    assertEquals(e.contactId(), in.string(), "contact_id");
    assertEquals(Math.floorDiv(e.epochMillis(), 1000), in.uint32(), "ts");
    assertEquals(Math.floorMod(e.epochMillis(), 1000), in.uint16(), "ts_ms");
    assertEquals(e.eventName(), in.string(), "event_name");
    assertEquals(e.instanceId() == null ? "" : e.instanceId(), in.string(), "event_instance_id");
    assertEquals(e.timezone() == null ? "" : e.timezone(), in.string(), "timezone");
    assertEquals(e.metadata() == null ? "" : e.metadata(), in.string(), "metadata");
    assertArrayEquals(keyBytes(key), in.fixedString(16), "event_key");
    assertEquals(INGESTED_AT, in.uint32(), "ingested_at");
  }

  @Test
  void theColumnsAreListedInTheOrderTheyAreWritten() {
    assertEquals(List.of("contact_id", "ts", "ts_ms", "event_name", "event_instance_id", "timezone", "metadata", "event_key", "ingested_at"),
        Arrays.stream(EventChunk.COLUMNS.split(",")).map(String::strip).toList());
  }

  @Test
  void twoRowsDecodeBackToEveryColumn() {
    EventRow ascii = new EventRow("c1", Instant.parse("2026-11-28T10:00:00.123Z").toEpochMilli(), "purchase", "i-1",
        "Europe/Paris", "{\"amount\":12}");
    String longMetadata = "{\"note\":\"" + "é東\uD83D\uDE80".repeat(40) + "\"}"; // over 127 bytes: a two-byte length
    EventRow unicode = new EventRow("Zoë-東京", Instant.parse("2026-11-28T23:59:59.999Z").toEpochMilli(), "achat \uD83D\uDE80",
        null, null, longMetadata);
    EventChunk chunk = new EventChunk(16);
    chunk.add(ascii, ascii.key());
    chunk.add(unicode, unicode.key());
    chunk.stamp(INGESTED_AT);

    assertEquals(2, chunk.rows());
    RowBinary in = new RowBinary(chunk);
    assertEquals(2, chunk.bytes()[0], "length of \"c1\"");
    assertRow(in, ascii, ascii.key());
    assertRow(in, unicode, unicode.key());
    assertEquals(0, in.remaining(), "byteSize ends where the second row ends");
    assertEquals(ascii.key().hi(), chunk.keyHi(0));
    assertEquals(ascii.key().lo(), chunk.keyLo(0));
    assertEquals(unicode.key().hi(), chunk.keyHi(1));
    assertEquals(unicode.key().lo(), chunk.keyLo(1));
  }

  @Test
  void stampingSetsEveryRowsIngestionTimeAndNothingElse() {
    EventRow a = new EventRow("a", 946_684_800_000L, "e", null, null, null);
    EventRow b = new EventRow("b", 946_684_801_000L, "f", "i", "UTC", "{}");
    EventChunk chunk = new EventChunk(8);
    chunk.add(a, a.key());
    chunk.add(b, b.key());
    int size = chunk.byteSize();
    chunk.stamp(1);
    chunk.stamp(INGESTED_AT); // a second stamp replaces the first
    assertEquals(size, chunk.byteSize());
    RowBinary in = new RowBinary(chunk);
    assertRow(in, a, a.key());
    assertRow(in, b, b.key());
    assertEquals(0, in.remaining());
  }

  @Test
  void aRowWithoutOptionalFieldsWritesEmptyStrings() {
    EventRow bare = new EventRow("c", 946_684_800_000L, "e", null, null, null);
    EventChunk chunk = new EventChunk(1);
    chunk.add(bare, bare.key());
    byte[] expectedStart = {1, 'c', (byte) 0x80, 0x43, 0x6d, 0x38, 0, 0, 1, 'e', 0, 0, 0};
    assertArrayEquals(expectedStart, Arrays.copyOf(chunk.bytes(), expectedStart.length), "946684800 is 0x386d4380");
    assertEquals(expectedStart.length + 16 + 4, chunk.byteSize());
  }

  @Test
  void timesAfter2038StillFitTheUnsignedSeconds() {
    EventRow late = new EventRow("c", Instant.parse("2100-01-01T00:00:00.5Z").toEpochMilli(), "e", null, null, null);
    EventChunk chunk = new EventChunk(64);
    chunk.add(late, late.key());
    RowBinary in = new RowBinary(chunk);
    in.string();
    assertEquals(Instant.parse("2100-01-01T00:00:00Z").getEpochSecond(), in.uint32());
    assertEquals(500, in.uint16());
  }

  @Test
  void manyRowsGrowTheBufferAndTheKeys() {
    EventChunk chunk = new EventChunk(8);
    EventRow[] rows = new EventRow[1_000];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new EventRow("contact-" + i, 1_795_860_000_000L + i, "event-" + (i % 7), i % 2 == 0 ? "i-" + i : null,
          i % 3 == 0 ? "Asia/Tokyo" : null, i % 5 == 0 ? "{\"i\":" + i + ",\"s\":\"" + "x".repeat(i) + "\"}" : null);
      chunk.add(rows[i], rows[i].key());
    }
    chunk.stamp(INGESTED_AT);
    assertEquals(rows.length, chunk.rows());
    RowBinary in = new RowBinary(chunk);
    for (int i = 0; i < rows.length; i++) {
      assertRow(in, rows[i], rows[i].key());
      assertEquals(rows[i].key().hi(), chunk.keyHi(i));
      assertEquals(rows[i].key().lo(), chunk.keyLo(i));
    }
    assertEquals(0, in.remaining());
  }
}
