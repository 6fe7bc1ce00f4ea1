package dev.shiftlens.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Events of one request encoded as ClickHouse RowBinary, ready to be streamed into an insert together
 * with chunks of other requests. Column order is {@link #COLUMNS}. Built on one event loop, then handed over.
 */
final class EventChunk {
  static final String COLUMNS = "contact_id, ts, ts_ms, event_name, event_instance_id, timezone, metadata, event_key, ingested_at";

  private byte[] bytes;
  private int size;
  private long[] keys; // hi, lo pairs
  private int[] stampAt; // where each row's ingested_at lies, filled in by stamp()
  private int rows;

  EventChunk(int initialBytes) {
    bytes = new byte[initialBytes];
    keys = new long[256];
    stampAt = new int[128];
  }

  /** Adds a row; its ingested_at is written by {@link #stamp} when the chunk is handed to storage. */
  void add(EventRow e, EventKey key) {
    string(e.contactId());
    uint32(Math.floorDiv(e.epochMillis(), 1000));
    uint16((int) Math.floorMod(e.epochMillis(), 1000));
    string(e.eventName());
    string(e.instanceId() == null ? "" : e.instanceId());
    string(e.timezone() == null ? "" : e.timezone());
    string(e.metadata() == null ? "" : e.metadata());
    uint64(key.hi());
    uint64(key.lo());
    if (rows == stampAt.length) stampAt = Arrays.copyOf(stampAt, rows * 2);
    stampAt[rows] = size;
    uint32(0);
    if (2 * rows + 2 > keys.length) keys = Arrays.copyOf(keys, keys.length * 2);
    keys[2 * rows] = key.hi();
    keys[2 * rows + 1] = key.lo();
    rows++;
  }

  /**
   * Sets every row's ingested_at. Done at hand-over rather than when rows arrive, so that a row is
   * stored within moments of its ingested_at however slowly its body came (the event count relies on it).
   */
  void stamp(long ingestedAtSeconds) {
    int end = size;
    for (int r = 0; r < rows; r++) {
      size = stampAt[r];
      uint32(ingestedAtSeconds);
    }
    size = end;
  }

  int rows() {
    return rows;
  }

  int byteSize() {
    return size;
  }

  byte[] bytes() {
    return bytes;
  }

  /** Where row {@code row}'s ingested_at lies in {@link #bytes}. */
  int stampOffset(int row) {
    return stampAt[row];
  }

  long keyHi(int row) {
    return keys[2 * row];
  }

  long keyLo(int row) {
    return keys[2 * row + 1];
  }

  private void ensure(int more) {
    if (size + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
  }

  private void string(String s) {
    // ASCII is the common case and needs no encoder; anything else goes through UTF-8.
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n && ascii; i++) ascii = s.charAt(i) < 0x80;
    if (ascii) {
      ensure(n + 5);
      varint(n);
      s.getBytes(0, n, bytes, size);
      size += n;
    } else {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      ensure(utf8.length + 5);
      varint(utf8.length);
      System.arraycopy(utf8, 0, bytes, size, utf8.length);
      size += utf8.length;
    }
  }

  private void varint(int v) {
    while ((v & ~0x7F) != 0) {
      bytes[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[size++] = (byte) v;
  }

  private void uint16(int v) {
    ensure(2);
    bytes[size++] = (byte) v;
    bytes[size++] = (byte) (v >>> 8);
  }

  private void uint32(long v) {
    ensure(4);
    bytes[size++] = (byte) v;
    bytes[size++] = (byte) (v >>> 8);
    bytes[size++] = (byte) (v >>> 16);
    bytes[size++] = (byte) (v >>> 24);
  }

  /** FixedString(16) is the key's 16 bytes; little-endian halves keep it stable and cheap. */
  private void uint64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) bytes[size++] = (byte) (v >>> (8 * i));
  }
}
