package dev.shiftlens.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * A bounded, durable log of event chunks on local disk, written while ClickHouse cannot take them and
 * read back in order once it can. Each chunk is one record, appended to the current segment file
 * ({@code segment-<n>.log}); the records of one append are made durable with one {@code fsync}, and
 * only then are their requests answered.
 *
 * <p>A record: a header of 28 bytes (magic, payload length, rows, flags, spooled-at millis, CRC32C of
 * everything after the magic and the CRC), the byte offset of each row's {@code ingested_at} (4 bytes
 * a row), then the rows as ClickHouse RowBinary in {@link EventChunk#COLUMNS} order. A record cut short
 * by a crash, or whose CRC does not match, ends its segment: it was never acknowledged (its append
 * had not been synced), so it is dropped, and the segment is truncated there when it is the last one.
 *
 * <p>Progress is kept in {@code drained.state}: the position of the first record not yet inserted, the
 * end of the records of the insert attempt in progress, and the {@code ingested_at} its rows were stamped
 * with. The attempt is recorded (and synced) before its insert starts, so after a crash the records of an
 * attempt that may have reached ClickHouse are known; with the records flagged {@link #UNCERTAIN} at
 * append (the rows of a direct insert that failed, which ClickHouse may have committed before the
 * failure), they are the records whose stored keys must be looked up before they are inserted
 * ({@link #uncertain}). On replicated tables such records are sent again as they were sent the first
 * time ({@link #nextBlock}): the chunks of a failed direct insert as one block ({@link #BLOCK_START}), an
 * attempt's records with its stamp. The state file holds two slots, written in turn, each with a
 * sequence number and a CRC: a write torn by a crash leaves the other slot valid. Segments before the
 * first record not yet inserted are deleted.
 *
 * <p>The directory is locked ({@code spool.lock}) for as long as the spool is open, so that two servers
 * never share one. Appends are serialised by the caller (one spool thread); reads and progress by the
 * drainer (one at a time); the bookkeeping between them is under this object's lock.
 */
final class EventSpool implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EventSpool.class.getName());
  static final int MAGIC = 0x534C_5331; // "SLS1"
  static final int HEADER_BYTES = 28;
  /** Flag of a record whose rows ClickHouse may already hold (from a direct insert that failed). */
  static final int UNCERTAIN = 1;
  /**
   * Flag of the first record of a block: the chunks of one direct insert that failed, appended together
   * as they were sent (the records after it flagged {@link #BLOCK_REST} belong to it). Sent again as the
   * identical block, it is stored once by replicated tables, which keep the checksums of the blocks they
   * stored.
   */
  static final int BLOCK_START = 2;
  /** Flag of a record of a block after its first. */
  static final int BLOCK_REST = 4;
  private static final int SLOT_BYTES = 48;
  private static final String STATE = "drained.state";

  /** Where a record lies and what it holds; {@code size} counts its header. */
  record Entry(long segment, long offset, int size, int rows, long spooledAtMillis, int flags) {
    boolean flaggedUncertain() {
      return (flags & UNCERTAIN) != 0;
    }

    boolean blockStart() {
      return (flags & BLOCK_START) != 0;
    }

    boolean blockRest() {
      return (flags & BLOCK_REST) != 0;
    }

    long end() {
      return offset + size;
    }
  }

  /** A record read back: its rows as RowBinary and where each row's {@code ingested_at} lies. */
  record Record(Entry entry, byte[] rows, int[] stampAt) {
    /** The first byte of row {@code r}: rows follow one another, each ending with its 4-byte stamp. */
    int rowStart(int r) {
      return r == 0 ? 0 : stampAt[r - 1] + 4;
    }

    int rowEnd(int r) {
      return stampAt[r] + 4;
    }

    /** The row's contact_id, the first column (a LEB128 length, then UTF-8). */
    String contactId(int r) {
      int at = rowStart(r);
      int length = 0;
      for (int shift = 0; ; shift += 7) {
        int b = rows[at++] & 0xff;
        length |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      return new String(rows, at, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The row's event_key: the 16 bytes just before its stamp. */
    long keyHi(int r) {
      return ByteBuffer.wrap(rows, stampAt[r] - 16, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    long keyLo(int r) {
      return ByteBuffer.wrap(rows, stampAt[r] - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Sets every row's ingested_at: rows are stamped when they are inserted, not when they were spooled. */
    void stamp(long ingestedAtSeconds) {
      ByteBuffer b = ByteBuffer.wrap(rows).order(ByteOrder.LITTLE_ENDIAN);
      for (int at : stampAt) b.putInt(at, (int) ingestedAtSeconds);
    }
  }

  private final Path dir;
  private final long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileChannel state;
  private long stateSeq;

  // Under this object's lock.
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private long bytes;
  private long rows;
  private long attemptSegment;
  private long attemptEnd;
  private long attemptStamp;

  // The appender's own: the segment it writes.
  private long activeSegment;
  private FileChannel active;
  private long activeSize;

  private EventSpool(Path dir, long segmentBytes, FileChannel lockChannel, FileLock lock, FileChannel state) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.state = state;
  }

  /** Receives the keys of the records found at open (so that a client's retry is recognised). */
  interface KeySink {
    void add(long hi, long lo);
  }

  /**
   * Opens (creating) the spool in {@code dir}: locks it, reads the progress, checks every record not yet
   * inserted (handing their keys to {@code keys}), drops a torn tail, and deletes what was inserted.
   */
  static EventSpool open(Path dir, long segmentBytes, KeySink keys) throws IOException {
    Files.createDirectories(dir);
    FileChannel lockChannel = FileChannel.open(dir.resolve("spool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("the spool directory " + dir.toAbsolutePath() + " is in use by another server; give each server its own");
    }
    FileChannel stateChannel = FileChannel.open(dir.resolve(STATE), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    EventSpool spool = new EventSpool(dir, segmentBytes, lockChannel, lock, stateChannel);
    try {
      spool.recover(keys);
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
    return spool;
  }

  private void recover(KeySink keys) throws IOException {
    long[] progress = readState();
    long drainSegment = progress[0], drainOffset = progress[1];
    attemptSegment = progress[2];
    attemptEnd = progress[3];
    attemptStamp = progress[4];
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "segment-*.log")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        try {
          segments.put(Long.parseLong(name.substring(8, name.length() - 4)), f);
        } catch (NumberFormatException e) {
          LOG.warning("spool: ignoring " + f + ", not a segment name");
        }
      }
    }
    long last = Math.max(segments.isEmpty() ? 0 : segments.lastKey(), Math.max(drainSegment, attemptSegment));
    if (stateSeq == 0 && !segments.isEmpty()) {
      // No progress was ever recorded, or it was lost: any record may have been inserted, so all are checked.
      attemptSegment = Long.MAX_VALUE;
      attemptEnd = 0;
      attemptStamp = 0;
    }
    for (var it = segments.entrySet().iterator(); it.hasNext(); ) {
      var s = it.next();
      long seq = s.getKey();
      if (seq < drainSegment) {
        Files.deleteIfExists(s.getValue());
        it.remove();
        continue;
      }
      long start = seq == drainSegment ? drainOffset : 0;
      try (FileChannel ch = FileChannel.open(s.getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = ch.size();
        long at = 0;
        while (at < size) {
          Record r = read(ch, seq, at, size);
          if (r == null) {
            LOG.warning("spool: segment " + seq + " ends with " + (size - at) + " bytes that are not a whole record"
                + " (a write cut short: never acknowledged); dropped");
            if (seq == last) {
              ch.truncate(at);
              ch.force(true);
            }
            break;
          }
          if (at >= start) {
            entries.add(r.entry());
            bytes += r.entry().size();
            rows += r.entry().rows();
            for (int i = 0; i < r.entry().rows(); i++) keys.add(r.keyHi(i), r.keyLo(i));
          }
          at = r.entry().end();
        }
      }
    }
    // Appends go to a new segment: the old ones are only read from now on.
    activeSegment = last + 1;
    if (entries.isEmpty()) deleteSegmentsBefore(activeSegment);
    // A new spool records that nothing was tried yet, which a spool that lost its progress cannot say.
    if (stateSeq == 0 && segments.isEmpty()) writeState(activeSegment, 0, 0, 0);
  }

  /**
   * Reads the record at {@code offset} of a segment of {@code size} bytes; null when there is no whole,
   * valid record there.
   */
  private static Record read(FileChannel ch, long segment, long offset, long size) throws IOException {
    if (size - offset < HEADER_BYTES) return null;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, header, offset);
    header.flip();
    int magic = header.getInt();
    int length = header.getInt();
    int rowCount = header.getInt();
    int flags = header.getInt();
    long spooledAt = header.getLong();
    int crc = header.getInt();
    if (magic != MAGIC || length < 0 || rowCount <= 0 || rowCount > length) return null;
    long total = HEADER_BYTES + 4L * rowCount + length;
    if (total > size - offset || total > Integer.MAX_VALUE) return null;
    ByteBuffer body = ByteBuffer.allocate((int) (total - HEADER_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, body, offset + HEADER_BYTES);
    CRC32C check = new CRC32C();
    check.update(header.array(), 4, HEADER_BYTES - 8);
    check.update(body.array());
    if ((int) check.getValue() != crc) return null;
    body.flip();
    int[] stampAt = new int[rowCount];
    for (int i = 0; i < rowCount; i++) stampAt[i] = body.getInt();
    byte[] rowBytes = new byte[length];
    body.get(rowBytes);
    if (stampAt[rowCount - 1] + 4 != length) return null;
    return new Record(new Entry(segment, offset, (int) total, rowCount, spooledAt, flags), rowBytes, stampAt);
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long at) throws IOException {
    while (into.hasRemaining()) {
      int n = ch.read(into, at + into.position());
      if (n < 0) throw new IOException("unexpected end of a spool segment");
    }
  }

  /** The bytes a chunk takes as a record. */
  static long recordBytes(EventChunk chunk) {
    return HEADER_BYTES + 4L * chunk.rows() + chunk.byteSize();
  }

  /**
   * Appends the chunks as records and syncs them to disk; on return they are durable. Called by one
   * thread at a time. {@code uncertain}: the rows may already be in ClickHouse.
   */
  void append(List<EventChunk> chunks, boolean uncertain) throws IOException {
    append(chunks, uncertain ? UNCERTAIN : 0, uncertain ? UNCERTAIN : 0);
  }

  /**
   * Appends the chunks of one direct insert that failed as one block ({@link #BLOCK_START}), in the order
   * they were sent, and syncs them to disk.
   */
  void appendBlock(List<EventChunk> chunks) throws IOException {
    append(chunks, UNCERTAIN | BLOCK_START, UNCERTAIN | BLOCK_REST);
  }

  private void append(List<EventChunk> chunks, int firstFlags, int restFlags) throws IOException {
    if (chunks.isEmpty()) return;
    synchronized (this) {
      // An empty spool starts a new segment, so that the drained ones can go.
      if (active != null && entries.isEmpty() && activeSize > 0) rollLocked();
    }
    if (active != null && activeSize >= segmentBytes) {
      synchronized (this) {
        rollLocked();
      }
    }
    if (active == null) {
      Path f = dir.resolve(String.format("segment-%020d.log", activeSegment));
      active = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      activeSize = active.size();
      active.position(activeSize);
      synchronized (this) {
        segments.put(activeSegment, f);
      }
      forceDirectory();
    }
    long now = System.currentTimeMillis();
    List<Entry> added = new ArrayList<>(chunks.size());
    long at = activeSize;
    try {
      for (EventChunk c : chunks) {
        int flags = added.isEmpty() ? firstFlags : restFlags;
        ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES + 4 * c.rows()).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(MAGIC).putInt(c.byteSize()).putInt(c.rows()).putInt(flags).putLong(now).putInt(0);
        for (int i = 0; i < c.rows(); i++) head.putInt(c.stampOffset(i));
        CRC32C crc = new CRC32C();
        crc.update(head.array(), 4, HEADER_BYTES - 8);
        crc.update(head.array(), HEADER_BYTES, 4 * c.rows());
        crc.update(c.bytes(), 0, c.byteSize());
        head.putInt(HEADER_BYTES - 4, (int) crc.getValue());
        head.flip();
        ByteBuffer[] parts = {head, ByteBuffer.wrap(c.bytes(), 0, c.byteSize())};
        long size = head.remaining() + (long) c.byteSize();
        long written = 0;
        while (written < size) written += active.write(parts);
        added.add(new Entry(activeSegment, at, (int) size, c.rows(), now, flags));
        at += size;
      }
      active.force(false);
    } catch (IOException | RuntimeException e) {
      // Nothing of this append was acknowledged. Records appended later must not follow a torn one in
      // the same file (reading a segment stops at the first bad record), so cut it off, and start a
      // new segment whatever happens.
      try {
        active.truncate(activeSize);
      } catch (IOException ignored) {
        // the new segment keeps later records apart all the same
      }
      synchronized (this) {
        try {
          rollLocked();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
    activeSize = at;
    synchronized (this) {
      for (Entry e : added) {
        entries.add(e);
        bytes += e.size();
        rows += e.rows();
      }
    }
  }

  private void rollLocked() throws IOException {
    FileChannel old = active;
    active = null;
    activeSegment++;
    activeSize = 0;
    if (old != null) old.close();
    if (entries.isEmpty()) deleteSegmentsBefore(activeSegment);
  }

  /** Up to {@code maxRows} rows of records from the head (at least one record when there is any), read from disk. */
  List<Record> next(long maxRows) throws IOException {
    List<Entry> take = new ArrayList<>();
    synchronized (this) {
      long n = 0;
      for (Entry e : entries) {
        if (!take.isEmpty() && n + e.rows() > maxRows) break;
        take.add(e);
        n += e.rows();
      }
    }
    return read(take);
  }

  /**
   * The records from the head that one insert into replicated tables takes, read from disk: a block of
   * a failed direct insert whole ({@link #BLOCK_START}), or the records of an insert attempt that a
   * failure or a crash cut short whole (to be sent again as they were, stamped with {@link #attemptStamp}),
   * or else up to {@code maxRows} rows of records of one kind (never flagged ones with others).
   */
  List<Record> nextBlock(long maxRows) throws IOException {
    List<Entry> take = new ArrayList<>();
    synchronized (this) {
      Entry head = entries.peek();
      if (head != null) {
        boolean retry = !head.flaggedUncertain() && attemptStamp != 0 && inAttempt(head);
        long n = 0;
        for (Entry e : entries) {
          if (!take.isEmpty()) {
            if (head.blockStart()) {
              if (!e.blockRest()) break; // else the rest of the block, however many rows
            } else if (e.blockStart() || e.blockRest() || e.flaggedUncertain() != head.flaggedUncertain()) {
              break;
            } else if (retry) {
              if (!inAttempt(e)) break;
            } else if (n + e.rows() > maxRows || inAttempt(e) != inAttempt(head)) {
              break;
            }
          }
          take.add(e);
          n += e.rows();
        }
      }
    }
    return read(take);
  }

  private List<Record> read(List<Entry> take) throws IOException {
    List<Record> out = new ArrayList<>(take.size());
    FileChannel ch = null;
    long open = -1;
    try {
      for (Entry e : take) {
        if (e.segment() != open) {
          if (ch != null) ch.close();
          Path f;
          synchronized (this) {
            f = segments.get(e.segment());
          }
          ch = FileChannel.open(f, StandardOpenOption.READ);
          open = e.segment();
        }
        Record r = read(ch, e.segment(), e.offset(), e.end());
        if (r == null) throw new IOException("spool record at " + e.segment() + ":" + e.offset() + " does not read back as written");
        out.add(new Record(e, r.rows(), r.stampAt()));
      }
    } finally {
      if (ch != null) ch.close();
    }
    return out;
  }

  private boolean inAttempt(Entry e) {
    return before(e.segment(), e.offset(), attemptSegment, attemptEnd);
  }

  /** Whether the record's rows may already be in ClickHouse, so that its stored keys must be looked up first. */
  synchronized boolean uncertain(Entry e) {
    return e.flaggedUncertain() || inAttempt(e);
  }

  /**
   * The {@code ingested_at} (epoch seconds) that the rows of the last insert attempt were stamped with, 0 when
   * not known (a spool of an earlier version, or one whose progress was lost).
   */
  synchronized long attemptStamp() {
    return attemptStamp;
  }

  /**
   * Records, durably, that the records up to and including {@code last} are about to be inserted, their rows
   * stamped {@code stamp} (kept only when the attempt goes further than the one recorded before: an attempt
   * made again keeps its first stamp).
   */
  void attempt(Entry last, long stamp) throws IOException {
    Entry head;
    synchronized (this) {
      head = entries.peek();
      if (!inAttempt(last)) {
        attemptSegment = last.segment();
        attemptEnd = last.end();
        attemptStamp = stamp;
      }
    }
    writeState(head.segment(), head.offset(), attemptSegment, attemptEnd);
  }

  /** The records read by {@link #next} are stored: removes them and deletes the segments left behind. */
  void drained(List<Record> done) throws IOException {
    long segment, offset;
    synchronized (this) {
      for (Record r : done) {
        Entry e = entries.poll();
        if (e == null || !e.equals(r.entry())) throw new IllegalStateException("spool records drained out of order");
        bytes -= e.size();
        rows -= e.rows();
      }
      Entry head = entries.peek();
      Entry last = done.get(done.size() - 1).entry();
      segment = head != null ? head.segment() : last.segment();
      offset = head != null ? head.offset() : last.end();
    }
    writeState(segment, offset, attemptSegment, attemptEnd);
    synchronized (this) {
      Entry head = entries.peek();
      deleteSegmentsBefore(head != null ? head.segment() : activeSegment);
    }
  }

  private void deleteSegmentsBefore(long segment) throws IOException {
    var old = segments.headMap(segment, false);
    for (Path f : old.values()) Files.deleteIfExists(f);
    old.clear();
  }

  synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Bytes of records not yet inserted. */
  synchronized long bytes() {
    return bytes;
  }

  synchronized long rows() {
    return rows;
  }

  synchronized int records() {
    return entries.size();
  }

  /** When the oldest record not yet inserted was spooled (epoch millis), or 0 when there is none. */
  synchronized long oldestMillis() {
    Entry e = entries.peek();
    return e == null ? 0 : e.spooledAtMillis();
  }

  private static boolean before(long segment, long offset, long otherSegment, long otherOffset) {
    return segment < otherSegment || (segment == otherSegment && offset < otherOffset);
  }

  private synchronized void writeState(long drainSegment, long drainOffset, long attemptSeg, long attemptOff) throws IOException {
    stateSeq++;
    ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(stateSeq).putLong(drainSegment).putLong(drainOffset).putLong(attemptSeg).putLong(attemptOff);
    b.putInt(44, (int) attemptStamp);
    b.putInt(40, slotCrc(b.array(), true));
    b.position(SLOT_BYTES);
    b.flip();
    long at = (stateSeq & 1) * SLOT_BYTES;
    while (b.hasRemaining()) state.write(b, at + b.position());
    state.force(false);
  }

  /**
   * The CRC32C of a state slot: of its first 40 bytes and of the attempt's stamp in its last 4 (a slot
   * written before the stamp was kept has 0 there, and a CRC of the 40 bytes alone).
   */
  private static int slotCrc(byte[] slot, boolean withStamp) {
    CRC32C crc = new CRC32C();
    crc.update(slot, 0, 40);
    if (withStamp) crc.update(slot, 44, 4);
    return (int) crc.getValue();
  }

  /** {drainSegment, drainOffset, attemptSegment, attemptEnd, attemptStamp} from the newest valid slot; zeros when there is none. */
  private long[] readState() throws IOException {
    long[] best = {0, 0, 0, 0, 0};
    long bestSeq = 0;
    for (int slot = 0; slot < 2; slot++) {
      ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      long at = (long) slot * SLOT_BYTES;
      if (state.size() < at + SLOT_BYTES) continue;
      while (b.hasRemaining()) {
        if (state.read(b, at + b.position()) < 0) break;
      }
      b.flip();
      long seq = b.getLong();
      long[] v = {b.getLong(), b.getLong(), b.getLong(), b.getLong(), Integer.toUnsignedLong(b.getInt(44))};
      int crc = b.getInt(40);
      boolean valid = crc == slotCrc(b.array(), true) || (v[4] == 0 && crc == slotCrc(b.array(), false));
      if (!valid || seq <= bestSeq) continue;
      bestSeq = seq;
      best = v;
    }
    stateSeq = bestSeq;
    return best;
  }

  private void forceDirectory() {
    // A new segment's name must survive a crash too; not every platform can sync a directory.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // best effort
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      if (active != null) active.close();
      state.close();
    } finally {
      if (lock != null) lock.release();
      lockChannel.close();
    }
  }
}
