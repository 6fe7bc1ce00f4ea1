package dev.shiftlens.ingest;

import dev.shiftlens.contact.ContactRepository;
import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.BodyDecoder;
import dev.shiftlens.platform.Config;
import dev.shiftlens.send.SendRepository;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/** {@code POST /v1/contacts}, {@code /v1/events} and {@code /v1/sends}: many rows per body, streamed. */
public final class IngestApi {
  private static final Set<String> NDJSON = Set.of("application/x-ndjson", "application/ndjson", "application/jsonl",
      "application/x-jsonlines", "application/jsonlines");

  private final Config.Http http;
  private final Config.Windows windows;
  private final Config.Clients clients;
  private final EventBatchWriter events;
  private final ContactRepository contacts;
  private final SendRepository sends;
  private final IngestMetrics metrics;
  // Each ingestion request holds at most a few chunks of a few MiB: bounding their number bounds memory.
  private final AtomicInteger active = new AtomicInteger();

  public IngestApi(Config config, EventBatchWriter events, ContactRepository contacts, SendRepository sends,
      IngestMetrics metrics) {
    this.metrics = metrics;
    metrics.watchRequests(active);
    this.http = config.http();
    this.windows = config.windows();
    this.clients = config.clients();
    this.events = events;
    this.contacts = contacts;
    this.sends = sends;
  }

  public void postEvents(RoutingContext ctx) {
    ingest(ctx, metrics.events, length -> new EventSink(events, length));
  }

  public void postContacts(RoutingContext ctx) {
    ingest(ctx, metrics.contacts, length -> new ContactSink(contacts, metrics.contacts));
  }

  public void postSends(RoutingContext ctx) {
    ingest(ctx, metrics.sends, length -> new SendSink(sends, windows, metrics.sends));
  }

  /** {@code sink} gets the body's length when it is known before reading (plain, with a Content-Length), else -1. */
  private void ingest(RoutingContext ctx, IngestMetrics.Dataset dataset, LongFunction<RowSink> sink) {
    String encoding = ctx.request().getHeader("Content-Encoding");
    BodyDecoder decoder = BodyDecoder.of(encoding); // a 415 for an encoding it does not know
    String type = mediaType(ctx.request().getHeader("Content-Type"));
    RecordSplitter splitter;
    RowReader reader;
    int maxRow = http.maxRowBytes();
    if (type.equals("application/json")) {
      splitter = RecordSplitter.jsonArray(maxRow);
      reader = RowReader.json();
    } else if (NDJSON.contains(type)) {
      splitter = RecordSplitter.ndjson(maxRow);
      reader = RowReader.json();
    } else if (type.equals("text/csv")) {
      splitter = RecordSplitter.csv(maxRow);
      reader = RowReader.csv();
    } else {
      throw new ApiException(415, "Unsupported Media Type", (type.isEmpty() ? "no Content-Type" : "Content-Type '" + type + "' is not supported")
          + "; use application/json (an array of objects), application/x-ndjson or text/csv");
    }
    long plainLength = plainLength(ctx, encoding);
    if (plainLength > http.maxBodyBytes()) {
      throw new ApiException(413, "Content Too Large", "the body exceeds " + http.maxBodyBytes() + " bytes; split it into smaller bodies");
    }
    if (active.incrementAndGet() > http.maxConcurrentIngests()) {
      active.decrementAndGet();
      throw new ApiException(503, "Service Unavailable", "too many ingestion requests at once; retry shortly",
          new io.vertx.core.json.JsonObject().put("retry_after", 1));
    }
    // Released just before the answer is written (so a client that sends its next body at once finds
    // the slot free), or when the connection goes away; whichever comes first.
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable release = () -> {
      if (held.compareAndSet(true, false)) active.decrementAndGet();
    };
    ctx.addEndHandler(v -> release.run());
    new IngestRequest(ctx.request(), ctx.get("request_id"), decoder, splitter, reader, sink.apply(plainLength), http.maxBodyBytes(), maxRow, release, dataset)
        .start(ctx.vertx(), clients);
  }

  /** The body's length when it is sent plain with a Content-Length; -1 otherwise (a compressed length says little). */
  private static long plainLength(RoutingContext ctx, String encoding) {
    String length = ctx.request().getHeader("Content-Length");
    if (length == null || (encoding != null && !encoding.strip().equalsIgnoreCase("identity"))) return -1;
    try {
      return Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Content-Length is not a number");
    }
  }

  private static String mediaType(String header) {
    if (header == null) return "";
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }
}
