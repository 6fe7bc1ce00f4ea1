package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The HTTP API: routes, authentication and errors; the work is done by the shared feature services.
 * One instance per core, each on its own event loop, all listening on the same port.
 */
public final class HttpApiVerticle extends VerticleBase {
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
  private final Services services;
  private HttpServer server;
  private AllowedMethods allowed;
  private Router router;

  public HttpApiVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    ApiKeys keys = services.keys;
    Router router = Router.router(vertx);
    router.route().handler(HttpApiVerticle::requestId);

    router.get("/health").handler(services.status::health);
    router.get("/health/ingest").handler(services.status::ingestHealth);
    router.get("/metrics").handler(services.meters::scrape);
    router.get("/openapi.yaml").handler(services.apiDocs::document);
    router.get("/docs").handler(services.apiDocs::page);
    router.get("/docs/index.html").handler(services.apiDocs::page);
    router.get("/docs/:asset").handler(services.apiDocs::asset);
    router.get("/dashboard").handler(services.dashboard::page);
    router.get("/dashboard/:file").handler(services.dashboard::file);
    router.get("/v1/status").handler(keys.require(Scope.READ)).handler(services.status::status);

    router.post("/v1/contacts").handler(keys.require(Scope.INGEST)).handler(services.ingest::postContacts);
    router.post("/v1/events").handler(keys.require(Scope.INGEST)).handler(services.ingest::postEvents);
    router.post("/v1/sends").handler(keys.require(Scope.INGEST)).handler(services.ingest::postSends);
    // Segment's HTTP Tracking API (also RudderStack's): the handlers authenticate the write key themselves,
    // since it may travel in the body. analytics-java posts to /v1/import/, with the trailing slash.
    router.post("/v1/batch").handler(services.segment.handler(null));
    router.post("/v1/import").handler(services.segment.handler(null));
    for (String type : List.of("track", "identify", "page", "screen", "group", "alias")) {
      router.post("/v1/" + type).handler(services.segment.handler(type));
    }

    router.get("/v1/contacts/:contact_id").handler(keys.require(Scope.READ)).handler(services.contacts::get);
    router.get("/v1/contacts/:contact_id/baseline").handler(keys.require(Scope.READ)).handler(services.contactViews::baseline);
    router.get("/v1/contacts/:contact_id/shifts").handler(keys.require(Scope.READ)).handler(services.contactViews::shifts);
    router.get("/v1/contacts/:contact_id/preferences").handler(keys.require(Scope.READ)).handler(services.contactViews::preferences);
    router.get("/v1/sends").handler(keys.require(Scope.READ)).handler(services.sends::list);
    router.get("/v1/sends/:send_id").handler(keys.require(Scope.READ)).handler(services.sends::get);

    router.get("/v1/event-types").handler(keys.require(Scope.READ)).handler(services.eventTypeApi::list);
    router.put("/v1/event-types/:event_name").handler(keys.require(Scope.ADMIN)).handler(services.eventTypeApi::put);

    router.post("/v1/admin/keys").handler(keys.require(Scope.ADMIN)).handler(services.keyApi::create);
    router.get("/v1/admin/keys").handler(keys.require(Scope.ADMIN)).handler(services.keyApi::list);
    router.delete("/v1/admin/keys/:key_id").handler(keys.require(Scope.ADMIN)).handler(services.keyApi::revoke);

    router.get("/v1/admin/streams").handler(keys.require(Scope.ADMIN)).handler(services.stream::list);

    router.get("/v1/stream/shifts").handler(keys.require(Scope.READ)).handler(services.stream::shifts);
    router.post("/v1/audiences/query").handler(keys.require(Scope.READ)).handler(services.audiences::query);
    router.get("/v1/metrics/sends").handler(keys.require(Scope.READ)).handler(services.metrics::sends);
    router.get("/v1/messages").handler(keys.require(Scope.READ)).handler(services.messages::list);
    router.put("/v1/messages/:message_id").handler(keys.require(Scope.ADMIN)).handler(services.messages::put);

    router.post("/mcp").handler(keys.require(Scope.READ)).handler(services.mcp::post);

    router.route().failureHandler(Problems::handle);
    allowed = AllowedMethods.of(router);
    router.route().last().handler(this::noRoute);
    this.router = router;
    // Failures that reach no route's failure handler, e.g. a path that is not valid percent-encoding.
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) router.errorHandler(status, Problems::handle);

    Config.Http http = services.config.http();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        // Bodies are decompressed by BodyDecoder, which answers a bad one with a 400 instead of closing the connection.
        .setDecompressionSupported(false)
        // 100 Continue is sent by Bodies.resume once authentication has let the request through.
        .setHandle100ContinueAutomatically(false)
        // HTTP/1.1 only: over one multiplexed h2c connection, a body paused for back-pressure would hold
        // up the other requests of that connection.
        .setHttp2ClearTextEnabled(false)
        .setCompressionSupported(true)
        .setIdleTimeout((int) services.config.idleTimeoutMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    long headerTimeout = TimeUnit.SECONDS.toMillis(services.config.clients().headerTimeoutSeconds());
    java.util.Map<io.vertx.core.http.HttpConnection, HeaderDeadline> deadlines = new java.util.IdentityHashMap<>();
    return vertx.createHttpServer(options)
        // Both handlers run on this instance's event loop, which owns its connections: the map needs no lock.
        .connectionHandler(connection -> {
          HeaderDeadline deadline = HeaderDeadline.watch(connection, headerTimeout);
          if (deadline == null) return;
          deadlines.put(connection, deadline);
          connection.closeHandler(v -> deadlines.remove(connection));
        })
        .requestHandler(request -> {
          HeaderDeadline deadline = deadlines.get(request.connection());
          if (deadline != null) deadline.headersArrived(request);
          router.handle(request);
        })
        .invalidRequestHandler(Problems::invalidRequest)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** Stops accepting, lets requests in flight finish (their rows are stored before they are answered). */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(30, TimeUnit.SECONDS);
  }

  /** The routes of this instance's router, once started (every instance has the same). */
  List<Route> routes() {
    return router == null ? List.of() : router.getRoutes();
  }

  /**
   * No route for the path (404), or none for the request's method on it (405, with the methods there
   * are). HEAD is answered wherever GET is, as HTTP asks of a server: the request goes through the
   * GET route, and the server leaves the body out of the answer to a HEAD.
   */
  private void noRoute(RoutingContext ctx) {
    String method = ctx.request().method().name();
    Set<String> methods = allowed.on(ctx.normalizedPath());
    if (methods.contains("GET")) {
      if (ctx.request().method() == HttpMethod.HEAD) {
        ctx.reroute(HttpMethod.GET, ctx.request().uri());
        return;
      }
      methods.add("HEAD");
    }
    if (methods.isEmpty()) {
      ctx.fail(ApiException.notFound("no route " + method + " " + ctx.request().path()));
    } else {
      ctx.fail(new ApiException(405, "Method Not Allowed", method + " is not allowed on " + ctx.request().path()
          + "; allowed: " + String.join(", ", methods), new JsonObject().put("allow", new JsonArray(List.copyOf(methods)))));
    }
  }

  /**
   * Names the request for the logs, and holds its body back: handlers that stream the body resume it
   * when they are ready, so that no byte arrives while authentication is still deciding.
   */
  private static void requestId(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS) ctx.request().pause();
    String id = ctx.get("request_id"); // already named when a HEAD request is rerouted as a GET
    if (id == null) id = ctx.request().getHeader("X-Request-Id");
    if (id == null || id.isBlank() || id.length() > 128) id = UUID.randomUUID().toString();
    ctx.put("request_id", id);
    ctx.response().putHeader("X-Request-Id", id);
    String path = ctx.request().path();
    if (path != null && BAD_ESCAPE.matcher(path).find()) {
      // Left to the router, matching a route with path parameters would throw on it: a 500.
      ctx.fail(ApiException.badRequest("the path is not valid percent-encoding: a '%' must be followed by two hexadecimal digits"));
      return;
    }
    if (path != null && path.contains("%00")) {
      // No id holds NUL (ingestion refuses it, and PostgreSQL cannot store it): nothing to read there,
      // and nothing may be written under it.
      boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
      ctx.fail(read ? ApiException.notFound("nothing at " + path + ": no id contains the NUL character (%00)")
          : ApiException.badRequest("the path must not contain the NUL character (%00): no id may contain it"));
      return;
    }
    ctx.next();
  }
}
