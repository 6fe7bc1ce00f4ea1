package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API: routes, authentication and errors; the work is done by the shared feature services.
 * One instance per core, each on its own event loop, all listening on the same port.
 */
public final class HttpApiVerticle extends VerticleBase {
  private final Services services;
  private HttpServer server;

  public HttpApiVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    ApiKeys keys = services.keys;
    Router router = Router.router(vertx);
    router.route().handler(HttpApiVerticle::requestId);

    router.get("/health").handler(services.status::health);
    router.get("/v1/status").handler(keys.require(Scope.READ)).handler(services.status::status);

    router.post("/v1/contacts").handler(keys.require(Scope.INGEST)).handler(services.ingest::postContacts);
    router.post("/v1/events").handler(keys.require(Scope.INGEST)).handler(services.ingest::postEvents);
    router.post("/v1/sends").handler(keys.require(Scope.INGEST)).handler(services.ingest::postSends);

    router.get("/v1/contacts/:contact_id").handler(keys.require(Scope.READ)).handler(services.contacts::get);
    router.get("/v1/sends").handler(keys.require(Scope.READ)).handler(services.sends::list);
    router.get("/v1/sends/:send_id").handler(keys.require(Scope.READ)).handler(services.sends::get);

    router.get("/v1/event-types").handler(keys.require(Scope.READ)).handler(services.eventTypeApi::list);
    router.put("/v1/event-types/:event_name").handler(keys.require(Scope.ADMIN)).handler(services.eventTypeApi::put);

    router.get("/v1/metrics/sends").handler(keys.require(Scope.READ)).handler(services.metrics::sends);
    router.get("/v1/messages").handler(keys.require(Scope.READ)).handler(services.messages::list);
    router.put("/v1/messages/:message_id").handler(keys.require(Scope.ADMIN)).handler(services.messages::put);

    router.route().failureHandler(Problems::handle);
    router.route().last().handler(ctx -> ctx.fail(ApiException.notFound("no route " + ctx.request().method() + " " + ctx.request().path())));

    Config.Http http = services.config.http();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setDecompressionSupported(true)
        .setHandle100ContinueAutomatically(true)
        // HTTP/1.1 only: over one multiplexed h2c connection, a body paused for back-pressure would hold
        // up the other requests of that connection.
        .setHttp2ClearTextEnabled(false)
        .setCompressionSupported(true)
        .setIdleTimeout((int) services.config.idleTimeoutMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
  }

  /** Stops accepting, lets requests in flight finish (their rows are stored before they are answered). */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(30, TimeUnit.SECONDS);
  }

  /**
   * Names the request for the logs, and holds its body back: handlers that stream the body resume it
   * when they are ready, so that no byte arrives while authentication is still deciding.
   */
  private static void requestId(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS) ctx.request().pause();
    String id = ctx.request().getHeader("X-Request-Id");
    if (id == null || id.isBlank() || id.length() > 128) id = UUID.randomUUID().toString();
    ctx.put("request_id", id);
    ctx.response().putHeader("X-Request-Id", id);
    ctx.next();
  }
}
