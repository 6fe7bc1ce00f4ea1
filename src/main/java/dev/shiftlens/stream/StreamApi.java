package dev.shiftlens.stream;

import dev.shiftlens.evaluation.EvaluationVerticle;
import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.Config;
import dev.shiftlens.platform.SqlFiles;
import dev.shiftlens.send.SendRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/stream/shifts?message_id=&event_name=}: evaluated sends with a verdict other than
 * none, as server-sent events ({@code id}, {@code event: shift}, {@code data}: the send as
 * {@code GET /v1/sends/{id}} shows it), as they are evaluated: by any server through
 * {@link PostgresFeed}, or, with {@code SHIFTLENS_STREAM_ACROSS_SERVERS=false}, by this server, from
 * the event bus where its evaluation publishes them. A client that
 * sends {@code Last-Event-ID} (or {@code last_event_id}) first gets the matching sends evaluated
 * after that one, from PostgreSQL. And {@code GET /v1/admin/streams}: the open streams. Runs on the
 * request's event loop.
 */
public final class StreamApi {
  /** Where {@link PostgresFeed} publishes the sends evaluated with a verdict by any server. */
  static final String FEED_ADDRESS = "stream.shifts";
  private static final String REPLAY = SqlFiles.postgres("stream_replay");

  private final Pool pool;
  private final Config.Stream config;
  private final StreamHub hub;
  /** Null when streams hear only of this server's evaluations. */
  private final PostgresFeed feed;

  public StreamApi(Vertx vertx, Pool pool, PgConnectOptions listener, Config.Stream config) {
    this.pool = pool;
    this.config = config;
    this.hub = new StreamHub(config.maxStreams());
    this.feed = config.acrossServers() ? new PostgresFeed(vertx, pool, listener) : null;
  }

  public void shifts(RoutingContext ctx) {
    ShiftFilter filter;
    StreamCursor resume;
    try {
      filter = ShiftFilter.parse(ctx.queryParams());
      resume = resumeFrom(ctx);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    long id = hub.reserve();
    if (id < 0) {
      ctx.fail(ApiException.unavailable("this server has " + config.maxStreams() + " streams open already", 10));
      return;
    }
    Future<Void> listening = feed == null ? Future.succeededFuture() : feed.start();
    listening.onComplete(ready -> {
      if (ready.failed()) {
        hub.closed(id);
        ctx.fail(ApiException.storeUnavailable("the stream cannot listen to PostgreSQL now; retry shortly", ready.cause()));
      } else {
        open(ctx, id, filter, resume);
      }
    });
  }

  private void open(RoutingContext ctx, long id, ShiftFilter filter, StreamCursor resume) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) { // the client left while the listener started
      hub.closed(id);
      return;
    }
    ShiftStream stream = new ShiftStream(id, filter, ctx.vertx(), response, () -> ctx.request().connection().close(), hub,
        config.stallSeconds(), Math.max(config.replayLimit(), 1000));
    boolean resuming = resume != null && config.replayLimit() > 0;
    stream.listen(feed == null ? EvaluationVerticle.EVALUATED_ADDRESS : FEED_ADDRESS, resuming);
    // A graceful shutdown waits for requests in flight: a stream ends at once instead.
    ctx.request().connection().shutdownHandler(v -> stream.end());
    Future<List<JsonObject>> missed = resuming ? missedSince(resume, filter) : Future.succeededFuture(List.of());
    missed.onComplete(read -> {
      if (read.failed()) {
        stream.close();
        ctx.fail(ApiException.storeUnavailable(read.cause()));
        return;
      }
      response.setChunked(true)
          .setWriteQueueMaxSize(config.bufferBytes())
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("Content-Encoding", "identity") // no compression: it would hold events back
          .putHeader("X-Accel-Buffering", "no");
      List<JsonObject> sends = read.result();
      boolean truncated = sends.size() > config.replayLimit();
      stream.live(truncated ? sends.subList(0, config.replayLimit()) : sends, truncated, config.heartbeatSeconds());
    });
  }

  /** Stops listening to PostgreSQL. */
  public Future<Void> close() {
    return feed == null ? Future.succeededFuture() : feed.close();
  }

  public void list(RoutingContext ctx) {
    ctx.json(hub.describe());
  }

  private static StreamCursor resumeFrom(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    if (header != null && !header.isBlank()) return StreamCursor.decode(header, "Last-Event-ID");
    String param = ctx.queryParams().get("last_event_id");
    if (param != null && !param.isBlank()) return StreamCursor.decode(param, "last_event_id");
    return null;
  }

  /** Up to one more than the replay limit, so that a truncation can be told. */
  private Future<List<JsonObject>> missedSince(StreamCursor cursor, ShiftFilter filter) {
    return pool.preparedQuery(REPLAY)
        .execute(Tuple.of(cursor.evaluatedAt(), cursor.sendId(), filter.messageId(), filter.eventName(), config.replayLimit() + 1))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>(rows.size());
          for (Row row : rows) out.add(SendRepository.toJson(row));
          return out;
        });
  }
}
