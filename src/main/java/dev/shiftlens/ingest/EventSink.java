package dev.shiftlens.ingest;

import io.vertx.core.Future;

/**
 * Events go to ClickHouse through the shared {@link EventBatchWriter}; retries of stored events and later
 * copies of an event within the same body are skipped and counted as duplicates.
 */
final class EventSink implements RowSink {
  // A typical body (up to about 15,000 events) travels as one chunk; larger bodies are cut so that
  // one request never holds more than a few chunks of this size.
  private static final int CHUNK_ROWS = 16_384;
  private static final int CHUNK_BYTES = 2 << 20;
  // 16 MiB of keys at most per request; copies further apart than this many events are written twice.
  private static final int BODY_KEYS = 1 << 19;

  private final EventBatchWriter writer;
  private final long now = System.currentTimeMillis();
  private final int chunkCapacity;
  private EventChunk chunk;
  private long recognised;
  private final BodyKeys body = new BodyKeys(BODY_KEYS);

  /** {@code expectedBodyBytes}: the body's length when known (-1 otherwise), to size chunks without regrowing. */
  EventSink(EventBatchWriter writer, long expectedBodyBytes) {
    this.writer = writer;
    // RowBinary is a little smaller than the JSON it comes from.
    this.chunkCapacity = expectedBodyBytes > 0 ? (int) Math.min(CHUNK_BYTES + 64 * 1024, expectedBodyBytes) : 256 * 1024;
    this.chunk = new EventChunk(chunkCapacity);
  }

  @Override
  public void add(RawRow row) throws RowException {
    EventRow event = EventRow.from(row, now);
    EventKey key = event.key();
    if (!body.add(key.hi(), key.lo()) || writer.recentKeys().contains(key.hi(), key.lo())) {
      recognised++;
      return;
    }
    chunk.add(event, key);
  }

  @Override
  public boolean chunkFull() {
    return chunk.rows() >= CHUNK_ROWS || chunk.byteSize() >= CHUNK_BYTES;
  }

  @Override
  public Future<Counts> submit() {
    EventChunk full = chunk;
    long dup = recognised;
    chunk = new EventChunk(chunkCapacity);
    recognised = 0;
    if (full.rows() == 0) return Future.succeededFuture(new Counts(0, dup));
    full.stamp(System.currentTimeMillis() / 1000);
    return writer.submit(full).map(v -> new Counts(full.rows(), dup));
  }

  @Override
  public int maxOutstanding() {
    return 2;
  }

  /** An empty chunk (every row rejected or recognised) needs no room. */
  @Override
  public Future<Void> room() {
    return chunk.rows() == 0 ? Future.succeededFuture() : writer.awaitRoom();
  }
}
