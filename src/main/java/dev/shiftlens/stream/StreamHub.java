package dev.shiftlens.stream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open streams of this server: how many (at most {@code maxStreams}), and what each has sent and
 * dropped. Thread-safe: every HTTP event loop opens and closes streams here.
 */
final class StreamHub {
  private final int maxStreams;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, ShiftStream> streams = new ConcurrentHashMap<>();

  StreamHub(int maxStreams) {
    this.maxStreams = maxStreams;
  }

  /** A number for a new stream, or -1 when {@code maxStreams} are open already. */
  long reserve() {
    if (open.incrementAndGet() > maxStreams) {
      open.decrementAndGet();
      return -1;
    }
    return ids.incrementAndGet();
  }

  void opened(ShiftStream stream) {
    streams.put(stream.id, stream);
  }

  /** Gives back a reservation, whether or not its stream was opened. */
  void closed(long id) {
    streams.remove(id);
    open.decrementAndGet();
  }

  /** {@code {"open", "max", "items": [...]}}: each open stream's filter and counts. */
  JsonObject describe() {
    JsonArray items = new JsonArray();
    streams.values().stream().sorted(Comparator.comparingLong(s -> s.id)).forEach(s -> items.add(s.describe()));
    return new JsonObject().put("open", open.get()).put("max", maxStreams).put("items", items);
  }
}
