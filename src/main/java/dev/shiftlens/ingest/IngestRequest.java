package dev.shiftlens.ingest;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.BodyDecoder;
import dev.shiftlens.platform.Bodies;
import dev.shiftlens.platform.Config;
import dev.shiftlens.platform.Problems;
import dev.shiftlens.platform.UploadRate;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One ingestion request, streamed: bytes are cut into records as they arrive, each record is read and
 * validated, valid rows go to the sink in chunks, and the request is paused while its chunks wait for
 * storage (so a 200 MB body never sits in memory). The answer is sent once every chunk is stored.
 * Runs on the request's event loop.
 */
final class IngestRequest implements RecordSplitter.Sink {
  static final int MAX_LISTED_REJECTIONS = 10_000;

  private final HttpServerRequest request;
  private final String requestId;
  private final RecordSplitter splitter;
  private final BodyDecoder decoder;
  private final RowReader reader;
  private final RowSink sink;
  private final long maxBodyBytes;
  private final int maxRowBytes;
  private final RawRow row = new RawRow();
  private final Runnable release;
  private final IngestMetrics.Dataset metrics;

  private long bodyBytes;
  private int rowIndex;
  private long accepted;
  private long duplicates;
  private long rejectedCount;
  private final JsonArray rejected = new JsonArray();
  private int outstanding;
  private boolean waitingForRoom;
  private boolean chunkPending; // a full or final chunk waits for one of the request's chunks to be stored
  private boolean paused;
  private boolean ended;
  private boolean done;
  private ApiException failure;
  private UploadRate rate;

  IngestRequest(HttpServerRequest request, String requestId, BodyDecoder decoder, RecordSplitter splitter, RowReader reader, RowSink sink, long maxBodyBytes,
      int maxRowBytes, Runnable release, IngestMetrics.Dataset metrics) {
    this.release = release;
    this.metrics = metrics;
    this.request = request;
    this.requestId = requestId;
    this.decoder = decoder;
    this.splitter = splitter;
    this.reader = reader;
    this.sink = sink;
    this.maxBodyBytes = maxBodyBytes;
    this.maxRowBytes = maxRowBytes;
  }

  void start(io.vertx.core.Vertx vertx, Config.Clients clients) {
    rate = UploadRate.watch(vertx, clients, this::tooSlow);
    request.handler(this::onData);
    request.endHandler(v -> onEnd());
    request.exceptionHandler(e -> { // the client went away: nothing to answer
      done = true;
      rate.stop();
      decoder.close();
      release.run();
    });
    Bodies.resume(request);
  }

  private void onData(Buffer buffer) {
    rate.arrived(buffer.length());
    if (done || failure != null) return; // reading on only to reach the end of the body
    try {
      // Read the network buffer in place when it is backed by an array; the splitter copies what it keeps.
      ByteBuf buf = buffer instanceof BufferInternal internal ? internal.getByteBuf() : null;
      if (buf != null && buf.hasArray()) {
        decoder.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes(), this::onDecoded);
      } else {
        byte[] bytes = buffer.getBytes();
        decoder.feed(bytes, 0, bytes.length, this::onDecoded);
      }
    } catch (MalformedBodyException e) {
      fail(malformed(e.getMessage()));
    } catch (ApiException e) { // the body is not what its Content-Encoding says
      decoder.close();
      fail(malformed(e.getMessage()));
    }
  }

  /** Bytes of the body as sent before its Content-Encoding; the size limit counts these. */
  private boolean onDecoded(byte[] bytes, int offset, int length) throws MalformedBodyException {
    bodyBytes += length;
    if (!decoder.identity()) metrics.decoded(length);
    if (bodyBytes > maxBodyBytes) {
      decoder.close();
      tooLarge();
      return false;
    }
    splitter.feed(bytes, offset, length, this);
    return !done && failure == null;
  }

  private void onEnd() {
    if (done) return;
    ended = true;
    rate.stop();
    if (failure == null) {
      try {
        decoder.finish();
        splitter.finish(this);
        chunkReady();
      } catch (MalformedBodyException | ApiException e) {
        fail(malformed(e.getMessage()));
      }
    } else {
      decoder.close();
    }
    maybeAnswer();
  }

  @Override
  public void record(byte[] bytes, int offset, int length) throws MalformedBodyException {
    if (failure != null) return;
    if (reader.consumeHeader(bytes, offset, length)) return;
    try {
      reader.read(bytes, offset, length, row);
      sink.add(row);
    } catch (RowException e) {
      reject(e.field(), e.getMessage());
    }
    rowIndex++;
    if (sink.chunkFull()) chunkReady();
  }

  @Override
  public void oversized() {
    reject(null, "row is larger than " + maxRowBytes + " bytes");
    rowIndex++;
  }

  private void reject(String field, String error) {
    rejectedCount++;
    metrics.rejected();
    if (rejected.size() < MAX_LISTED_REJECTIONS) {
      rejected.add(new JsonObject().put("row", rowIndex).put("field", field).put("error", error));
    }
  }

  /**
   * Hands the current chunk to storage once fewer than {@link RowSink#maxOutstanding} chunks of this
   * request are being stored and the store has room for it. While it waits the body is paused, and
   * rows of the piece being read join the same chunk; a chunk that gets no room in time is dropped
   * unstored and the request is answered 503.
   */
  private void chunkReady() {
    if (waitingForRoom || failure != null) return;
    if (outstanding >= sink.maxOutstanding()) {
      chunkPending = true; // submitted when a chunk of this request is stored
      flow();
      return;
    }
    chunkPending = false;
    var room = sink.room();
    if (room.succeeded()) {
      submitChunk();
      return;
    }
    waitingForRoom = true;
    flow();
    room.onComplete(r -> {
      waitingForRoom = false;
      if (r.failed()) fail(asProblem(r.cause()));
      else if (failure == null && (ended || sink.chunkFull())) chunkReady();
      flow();
      maybeAnswer();
    });
  }

  private void submitChunk() {
    outstanding++;
    sink.submit().onComplete(result -> {
      outstanding--;
      if (result.succeeded()) {
        accepted += result.result().accepted();
        duplicates += result.result().duplicates();
        metrics.stored(result.result().accepted(), result.result().duplicates());
      } else {
        fail(asProblem(result.cause()));
      }
      if (chunkPending) chunkReady();
      flow();
      maybeAnswer();
    });
    flow();
  }

  private static ApiException asProblem(Throwable cause) {
    return ApiException.storeUnavailable("rows could not be stored now; retry shortly (resending the body is safe)", cause);
  }

  /** Pauses the body while chunks wait for storage, resumes when they are stored. */
  private void flow() {
    boolean hold = failure == null && (outstanding >= sink.maxOutstanding() || waitingForRoom || chunkPending);
    if (hold && !paused && !ended) {
      paused = true;
      rate.held(true);
      request.pause();
    } else if (!hold && paused) {
      paused = false;
      rate.held(false);
      request.resume();
    }
  }

  private void fail(ApiException problem) {
    if (failure == null) failure = problem;
    flow();
  }

  private ApiException malformed(String detail) {
    return new ApiException(400, "Bad Request", detail, new JsonObject()
        .put("note", "rows before the error that are counted as accepted were stored; resending the corrected body is safe"));
  }

  private JsonObject counts() {
    JsonObject body = new JsonObject().put("accepted", accepted).put("duplicates", duplicates).put("rejected", rejected);
    if (rejectedCount > rejected.size()) body.put("rejected_count", rejectedCount);
    return body;
  }

  private void maybeAnswer() {
    if (done || !ended || outstanding > 0 || waitingForRoom || (chunkPending && failure == null)) return;
    done = true;
    rate.stop();
    release.run();
    if (failure != null) {
      // what was stored before the failure, so that the client knows; a retry of the whole body is safe
      if (failure.extra() != null) failure.extra().mergeIn(counts());
      Problems.logServerError(requestId, request, failure, null);
      Problems.write(request.response(), failure, request.path());
    } else {
      request.response().putHeader("Content-Type", "application/json").end(counts().encode());
    }
  }

  private void tooLarge() {
    cutOff(new ApiException(413, "Content Too Large",
        "the body exceeds " + maxBodyBytes + " bytes (after decompression); split it into smaller bodies", counts()));
  }

  /** The body arrives too slowly: a 408 with what was stored so far, and the connection is closed. */
  private void tooSlow() {
    if (done || ended) return;
    decoder.close();
    cutOff(new ApiException(408, "Request Timeout", rate.detail() + "; send bodies faster, or in smaller pieces", counts()));
  }

  /** Answers before the body has ended, without reading the rest of it: the connection is closed after the answer. */
  private void cutOff(ApiException problem) {
    done = true;
    rate.stop();
    release.run();
    request.pause();
    request.response().putHeader("Connection", "close");
    request.response().endHandler(v -> dev.shiftlens.platform.Bodies.lingerThenClose(request));
    Problems.write(request.response(), problem, request.path());
  }
}
