package dev.shiftlens.ingest;

import dev.shiftlens.platform.Config;
import dev.shiftlens.send.NewSend;
import dev.shiftlens.send.SendRepository;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sends go to PostgreSQL in chunks; a send_id seen before (in the chunk or stored) is a duplicate. */
final class SendSink implements RowSink {
  private static final int CHUNK = 2000;

  private final SendRepository sends;
  private final Config.Windows windows;
  private final IngestMetrics.Dataset metrics;
  private final long now = System.currentTimeMillis();
  private Map<String, NewSend> chunk = new LinkedHashMap<>();
  private long repeated;

  SendSink(SendRepository sends, Config.Windows windows, IngestMetrics.Dataset metrics) {
    this.sends = sends;
    this.metrics = metrics;
    this.windows = windows;
  }

  @Override
  public void add(RawRow raw) throws RowException {
    NewSend send = SendRows.from(raw, now, windows);
    if (chunk.putIfAbsent(send.sendId(), send) != null) repeated++;
  }

  @Override
  public boolean chunkFull() {
    return chunk.size() >= CHUNK;
  }

  @Override
  public Future<Counts> submit() {
    Map<String, NewSend> full = chunk;
    long dup = repeated;
    chunk = new LinkedHashMap<>();
    repeated = 0;
    if (full.isEmpty()) return Future.succeededFuture(new Counts(0, dup));
    return metrics.batch(full.size(), sends.insert(new ArrayList<>(full.values())))
        .map(inserted -> new Counts(inserted.size(), dup + full.size() - inserted.size()));
  }

  /** One chunk at a time, so that of two rows of a body with the same send_id the earlier one wins. */
  @Override
  public int maxOutstanding() {
    return 1;
  }
}
