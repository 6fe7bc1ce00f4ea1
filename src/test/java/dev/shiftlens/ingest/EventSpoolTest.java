package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's file format and progress, read back as a restarted server would: pure file work, no server. */
class EventSpoolTest {
  private static final long SEGMENT = 1 << 20;
  private static final long STAMP = 1_764_000_100L;

  @TempDir Path dir;

  private static EventChunk chunk(String prefix, int rows) {
    EventChunk c = new EventChunk(64);
    for (int i = 0; i < rows; i++) {
      EventRow e = new EventRow(prefix + "-contact-" + i, 1_764_000_000_000L + i, "purchase", prefix + "-" + i, null, null);
      c.add(e, e.key());
    }
    c.stamp(1_764_000_000L);
    return c;
  }

  private static List<Long> keys(EventSpool.Record r) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < r.stampAt().length; i++) out.add(r.keyHi(i) ^ r.keyLo(i));
    return out;
  }

  private static List<Long> keys(EventChunk c) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < c.rows(); i++) out.add(c.keyHi(i) ^ c.keyLo(i));
    return out;
  }

  private EventSpool open(List<Long> seenKeys) throws IOException {
    return EventSpool.open(dir, SEGMENT, (hi, lo) -> seenKeys.add(hi ^ lo));
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> segments = files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList();
      assertEquals(1, segments.size(), segments.toString());
      return segments.get(0);
    }
  }

  @Test
  void recordsAppendedAreReadBackInOrderAfterReopeningWithTheirRowsKeysAndContacts() throws IOException {
    EventChunk a = chunk("a", 3), b = chunk("b", 2);
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(a, b), false);
      assertEquals(2, spool.records());
      assertEquals(5, spool.rows());
      assertEquals(EventSpool.recordBytes(a) + EventSpool.recordBytes(b), spool.bytes());
    }
    List<Long> seen = new ArrayList<>();
    try (EventSpool spool = open(seen)) {
      List<EventSpool.Record> records = spool.next(1000);
      assertEquals(2, records.size());
      assertArrayEquals(java.util.Arrays.copyOf(a.bytes(), a.byteSize()), records.get(0).rows());
      assertArrayEquals(java.util.Arrays.copyOf(b.bytes(), b.byteSize()), records.get(1).rows());
      assertEquals("a-contact-2", records.get(0).contactId(2));
      assertEquals(keys(a), keys(records.get(0)));
      List<Long> expected = new ArrayList<>(keys(a));
      expected.addAll(keys(b));
      assertEquals(expected, seen, "the keys of every record are handed over at open");
      assertFalse(spool.uncertain(records.get(0).entry()), "records spooled while nothing was tried are not checked");
    }
  }

  @Test
  void aTornTailIsDroppedAndTheSegmentCutThereWhileEarlierRecordsStay() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 4)), false);
      spool.append(List.of(chunk("b", 4)), false);
    }
    Path segment = onlySegment();
    long size = Files.size(segment);
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(size - 7); // a crash in the middle of the second record's write
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      assertEquals(1, spool.records());
      assertEquals(4, spool.rows());
      assertEquals("a-contact-0", spool.next(1000).get(0).contactId(0));
      spool.append(List.of(chunk("c", 1)), false);
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      List<EventSpool.Record> records = spool.next(1000);
      assertEquals(2, records.size(), "appends after the cut follow the records that were whole");
      assertEquals("c-contact-0", records.get(1).contactId(0));
    }
  }

  @Test
  void aRecordWhoseBytesDoNotMatchItsCrcIsDropped() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 2), chunk("b", 2)), false);
    }
    Path segment = onlySegment();
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(f.length() - 3);
      int b = f.read();
      f.seek(f.length() - 3);
      f.write(b ^ 0x55);
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      assertEquals(1, spool.records());
      assertEquals("a-contact-1", spool.next(1000).get(0).contactId(1));
    }
  }

  @Test
  void drainedRecordsAreNotReadAgainAndTheirSegmentsGo() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 2), chunk("b", 2), chunk("c", 2)), false);
      List<EventSpool.Record> first = spool.next(4);
      assertEquals(2, first.size(), "as many records as fit in the rows asked for");
      spool.attempt(first.get(1).entry(), STAMP);
      spool.drained(first);
      assertEquals(1, spool.records());
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      List<EventSpool.Record> rest = spool.next(1000);
      assertEquals(1, rest.size());
      assertEquals("c-contact-0", rest.get(0).contactId(0));
      assertFalse(spool.uncertain(rest.get(0).entry()), "after the attempt that stored them");
      spool.attempt(rest.get(0).entry(), STAMP);
      spool.drained(rest);
      assertTrue(spool.isEmpty());
      spool.append(List.of(chunk("d", 1)), false); // an empty spool starts a new segment; the drained one goes
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      assertEquals(1, spool.records());
      assertEquals("d-contact-0", spool.next(1000).get(0).contactId(0));
      onlySegment();
    }
  }

  @Test
  void recordsOfAnAttemptCutShortAndRecordsFlaggedAtAppendAreCheckedBeforeTheyAreInserted() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 2)), true);
      spool.append(List.of(chunk("b", 2), chunk("c", 2), chunk("d", 2)), false);
      List<EventSpool.Record> first = spool.next(2);
      spool.attempt(first.get(0).entry(), STAMP);
      spool.drained(first);
      List<EventSpool.Record> next = spool.next(4);
      spool.attempt(next.get(1).entry(), STAMP); // the server dies during this insert
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      List<EventSpool.Record> records = spool.next(1000);
      assertEquals(3, records.size());
      assertTrue(spool.uncertain(records.get(0).entry()));
      assertTrue(spool.uncertain(records.get(1).entry()));
      assertFalse(spool.uncertain(records.get(2).entry()));
    }
    try (EventSpool spool = EventSpool.open(dir.resolve("other"), SEGMENT, (hi, lo) -> { })) {
      spool.append(List.of(chunk("x", 1)), true);
      assertTrue(spool.uncertain(spool.next(10).get(0).entry()), "flagged: a direct insert failed and may have committed");
    }
  }

  @Test
  void aSpoolWithoutRecordedProgressChecksEveryRecord() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 2)), false);
    }
    Files.delete(dir.resolve("drained.state"));
    try (EventSpool spool = open(new ArrayList<>())) {
      assertTrue(spool.uncertain(spool.next(10).get(0).entry()));
    }
  }

  @Test
  void aTornProgressWriteFallsBackToTheSlotBeforeIt() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 1), chunk("b", 1), chunk("c", 1)), false);
      for (int i = 0; i < 2; i++) {
        List<EventSpool.Record> one = spool.next(1);
        spool.attempt(one.get(0).entry(), STAMP);
        spool.drained(one);
      }
    }
    // Five state writes (the new spool's, then two per drain): the newest, the second drain's progress, went to
    // slot 1 (of 48 bytes); tear it.
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("drained.state").toFile(), "rw")) {
      f.seek(48 + 20);
      f.write(0xff);
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      List<EventSpool.Record> records = spool.next(10);
      assertEquals(2, records.size(), "the second record's insert was attempted, its progress lost");
      assertEquals("b-contact-0", records.get(0).contactId(0));
      assertTrue(spool.uncertain(records.get(0).entry()), "so it is checked rather than trusted");
      assertFalse(spool.uncertain(records.get(1).entry()));
    }
  }

  @Test
  void aFailedInsertsBlockIsReadBackWholeAndAloneForReplicatedTables() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 2)), false);
      spool.appendBlock(List.of(chunk("b", 3), chunk("c", 3), chunk("d", 3)));
      spool.appendBlock(List.of(chunk("e", 1)));
      spool.append(List.of(chunk("f", 2)), true); // flagged on its own: looked up key by key
      spool.append(List.of(chunk("g", 2), chunk("h", 2)), false);
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      List<List<String>> takes = new ArrayList<>();
      while (!spool.isEmpty()) {
        List<EventSpool.Record> take = spool.nextBlock(4);
        takes.add(take.stream().map(r -> r.contactId(0).substring(0, 1)).toList());
        spool.drained(take);
      }
      assertEquals(List.of(List.of("a"), List.of("b", "c", "d"), List.of("e"), List.of("f"), List.of("g", "h")), takes,
          "a block whole, over the 4 rows asked for; flagged records never with others");
    }
    try (EventSpool spool = EventSpool.open(dir.resolve("other"), SEGMENT, (hi, lo) -> { })) {
      spool.appendBlock(List.of(chunk("x", 1), chunk("y", 1)));
      List<EventSpool.Record> block = spool.nextBlock(1000);
      assertTrue(block.get(0).entry().blockStart() && block.get(0).entry().flaggedUncertain());
      assertTrue(!block.get(1).entry().blockStart() && block.get(1).entry().blockRest() && block.get(1).entry().flaggedUncertain());
    }
  }

  @Test
  void anAttemptCutShortIsReadBackAsItWasWithItsStampWhateverRowsAreAskedFor() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 2), chunk("b", 2), chunk("c", 2), chunk("d", 2)), false);
      List<EventSpool.Record> take = spool.nextBlock(4);
      assertEquals(2, take.size());
      spool.attempt(take.get(1).entry(), STAMP); // the server dies during this insert
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      assertEquals(STAMP, spool.attemptStamp());
      List<EventSpool.Record> again = spool.nextBlock(100);
      assertEquals(List.of("a-contact-0", "b-contact-0"), again.stream().map(r -> r.contactId(0)).toList(),
          "the attempt's records and no more, though 100 rows were asked for");
      spool.attempt(again.get(1).entry(), STAMP + 60);
      assertEquals(STAMP, spool.attemptStamp(), "an attempt made again keeps its first stamp");
      spool.drained(again);
      List<EventSpool.Record> rest = spool.nextBlock(100);
      assertEquals(2, rest.size());
      assertFalse(spool.uncertain(rest.get(0).entry()));
      spool.attempt(rest.get(1).entry(), STAMP + 120);
      assertEquals(STAMP + 120, spool.attemptStamp(), "a new attempt has its own");
    }
  }

  @Test
  void progressWrittenBeforeStampsWereKeptStillReads() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 1), chunk("b", 1)), false);
      spool.attempt(spool.next(1).get(0).entry(), STAMP);
    }
    // Rewrite both slots as the earlier format had them: no stamp, a CRC of the first 40 bytes.
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("drained.state").toFile(), "rw")) {
      for (int slot = 0; slot < 2; slot++) {
        byte[] b = new byte[48];
        f.seek(slot * 48L);
        f.readFully(b);
        java.util.Arrays.fill(b, 40, 48, (byte) 0);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, 40);
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(40, (int) crc.getValue());
        f.seek(slot * 48L);
        f.write(b);
      }
    }
    try (EventSpool spool = open(new ArrayList<>())) {
      List<EventSpool.Record> records = spool.next(10);
      assertEquals(2, records.size());
      assertTrue(spool.uncertain(records.get(0).entry()), "the attempt is still known");
      assertFalse(spool.uncertain(records.get(1).entry()));
      assertEquals(0, spool.attemptStamp(), "its stamp is not: its records are looked up key by key");
    }
  }

  @Test
  void aSecondServerCannotOpenTheSameSpool() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      IOException refused = assertThrows(IOException.class, () -> open(new ArrayList<>()));
      assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
    }
  }

  @Test
  void restampingSetsEveryRowsIngestedAt() throws IOException {
    try (EventSpool spool = open(new ArrayList<>())) {
      spool.append(List.of(chunk("a", 3)), false);
      EventSpool.Record r = spool.next(10).get(0);
      r.stamp(1_800_000_000L);
      for (int i = 0; i < 3; i++) {
        int at = r.stampAt()[i];
        long v = (r.rows()[at] & 0xffL) | (r.rows()[at + 1] & 0xffL) << 8 | (r.rows()[at + 2] & 0xffL) << 16 | (r.rows()[at + 3] & 0xffL) << 24;
        assertEquals(1_800_000_000L, v);
      }
      assertEquals(keys(chunk("a", 3)), keys(r), "and nothing else");
    }
  }

  @Test
  void hexKeysAreWrittenAsClickHouseHexWritesAFixedString() {
    assertEquals("0100000000000000FF00000000000080", EventBatchWriter.hexKey(1, 0x80000000000000FFL));
  }
}
