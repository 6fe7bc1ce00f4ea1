package dev.shiftlens.stream;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One client of the live stream. Its sends come from the event bus (see {@link StreamApi} for the
 * address); those that match its filter are written as server-sent events while its write
 * queue has room. When the queue is full (the client reads slower than sends come), sends are
 * dropped and counted, the client is told how many once the queue drains, and a client whose queue
 * stays full for the stall time is disconnected: memory per client stays within the queue's bound.
 * Confined to the event loop of the request that opened it; the counters are also read by listings.
 */
final class ShiftStream {
  final long id;
  private final ShiftFilter filter;
  private final Instant openedAt = Instant.now();
  private final Vertx vertx;
  private final HttpServerResponse response;
  private final Runnable disconnect;
  private final StreamHub hub;
  private final long stallNanos;
  private final int holdLimit;

  private volatile long sent;
  private volatile long dropped;
  private volatile long bytes;
  private volatile boolean queueFull;
  /** Dropped sends the client has not been told of yet. */
  private long untold;
  /** When the write queue was first seen full, in nanoseconds; 0 while it has room. */
  private long fullSince;
  private MessageConsumer<JsonObject> consumer;
  private long heartbeat = -1;
  private boolean closed;
  /** Live sends that arrive while missed ones are read from the store; null once live. */
  private List<JsonObject> held;
  /** The sends written by a resumption, not to be written twice when they also arrive live. */
  private Set<String> replayed = Set.of();

  ShiftStream(long id, ShiftFilter filter, Vertx vertx, HttpServerResponse response, Runnable disconnect, StreamHub hub,
      int stallSeconds, int holdLimit) {
    this.id = id;
    this.filter = filter;
    this.vertx = vertx;
    this.response = response;
    this.disconnect = disconnect;
    this.hub = hub;
    this.stallNanos = TimeUnit.SECONDS.toNanos(stallSeconds);
    this.holdLimit = holdLimit;
  }

  /** Listens to evaluated sends on {@code address}; with {@code resuming}, holds them back until {@link #live} is called. */
  void listen(String address, boolean resuming) {
    if (resuming) held = new ArrayList<>();
    response.closeHandler(v -> close());
    response.endHandler(v -> close());
    consumer = vertx.eventBus().consumer(address, message -> onEvaluated(message.body()));
  }

  /** Starts the response, writes the sends missed (if resuming), then the ones held meanwhile, then heartbeats. */
  void live(List<JsonObject> missed, boolean truncated, int heartbeatSeconds) {
    if (closed) return;
    hub.opened(this);
    write(Buffer.buffer("retry: 5000\n\n"));
    Set<String> written = new HashSet<>();
    for (JsonObject send : missed) {
      deliver(send);
      written.add(send.getString("send_id"));
    }
    if (truncated) write(Buffer.buffer("event: truncated\ndata: {\"replayed\":" + missed.size() + "}\n\n"));
    replayed = written;
    List<JsonObject> pending = held;
    held = null;
    if (pending != null) pending.forEach(this::onEvaluated);
    heartbeat = vertx.setPeriodic(TimeUnit.SECONDS.toMillis(heartbeatSeconds), t -> beat());
  }

  private void onEvaluated(JsonObject send) {
    if (closed || !filter.matches(send)) return;
    if (held != null) {
      if (held.size() < holdLimit) held.add(send);
      else drop();
      return;
    }
    if (replayed.contains(send.getString("send_id"))) return;
    deliver(send);
  }

  private void deliver(JsonObject send) {
    if (response.writeQueueFull()) {
      drop();
      return;
    }
    tellDropped();
    String cursor = StreamCursor.of(send.getString("evaluated_at"), send.getString("send_id")).encode();
    write(Buffer.buffer("id: " + cursor + "\nevent: shift\ndata: " + send.encode() + "\n\n"));
    sent++;
  }

  private void drop() {
    dropped++;
    untold++;
    markFull();
  }

  /** Notes when the queue was first seen full, and waits for it to drain. */
  private void markFull() {
    if (queueFull) return;
    queueFull = true;
    fullSince = System.nanoTime();
    response.drainHandler(v -> {
      queueFull = false;
      fullSince = 0;
      tellDropped();
    });
  }

  /** {@code event: dropped} with the number of sends dropped since the client was last told. */
  private void tellDropped() {
    if (untold == 0 || closed || response.writeQueueFull()) return;
    write(Buffer.buffer("event: dropped\ndata: {\"count\":" + untold + "}\n\n"));
    untold = 0;
  }

  /** A comment line that keeps proxies from closing a quiet connection; and the check for a stalled client. */
  private void beat() {
    if (closed) return;
    if (response.writeQueueFull()) {
      if (!queueFull) {
        markFull();
      } else if (System.nanoTime() - fullSince >= stallNanos) {
        close();
        disconnect.run();
      }
      return;
    }
    queueFull = false;
    fullSince = 0;
    tellDropped();
    write(Buffer.buffer(": heartbeat\n\n"));
  }

  private void write(Buffer b) {
    bytes += b.length();
    response.write(b);
  }

  /** Ends the response (the server is shutting down). */
  void end() {
    if (closed) return;
    close();
    if (!response.ended()) response.end();
  }

  /** Stops listening and gives back the stream's place; the connection is the caller's. */
  void close() {
    if (closed) return;
    closed = true;
    if (consumer != null) consumer.unregister();
    if (heartbeat >= 0) vertx.cancelTimer(heartbeat);
    held = null;
    hub.closed(id);
  }

  JsonObject describe() {
    return new JsonObject()
        .put("id", id)
        .put("message_id", filter.messageId())
        .put("event_name", filter.eventName())
        .put("opened_at", openedAt.toString())
        .put("sent", sent)
        .put("dropped", dropped)
        .put("bytes_written", bytes)
        .put("queue_full", queueFull);
  }
}
