package dev.shiftlens.ingest;

import io.vertx.core.Future;

/**
 * Where the valid rows of one request go: it validates each row, gathers rows into chunks, and stores a
 * chunk when asked. One instance per request, used on that request's event loop.
 */
interface RowSink {
  /** Stored rows and rows recognised as already stored. */
  record Counts(long accepted, long duplicates) {}

  /** Validates the row and adds it to the current chunk. */
  void add(RawRow row) throws RowException;

  boolean chunkFull();

  /** Stores the current chunk (possibly empty) and starts a new one. */
  Future<Counts> submit();

  /** How many chunks of one request may be stored at once (1 keeps the rows of a request in order). */
  int maxOutstanding();

  /** Completes when the store can take another chunk; fails with 503 when it cannot in time. */
  default Future<Void> room() {
    return Future.succeededFuture();
  }
}
