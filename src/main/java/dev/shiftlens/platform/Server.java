package dev.shiftlens.platform;

import dev.shiftlens.evaluation.EvaluationVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Route;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code serve}: reads the configuration, prepares both databases, starts the HTTP verticles, and on
 * SIGTERM stops accepting, finishes requests in flight, stores queued rows, then exits.
 */
public final class Server {
  private static final Logger LOG = Logger.getLogger(Server.class.getName());

  private final Vertx vertx;
  private final Services services;
  private String deployment;
  private String evaluation;
  /** One of the HTTP verticles (they all route alike), for {@link #routes()}. */
  private volatile HttpApiVerticle http;

  private Server(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  public static void main(String[] args) throws Exception {
    Logging.configure();
    Config config;
    try {
      config = Config.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("shiftlens: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.apiKeyGenerated()) {
      System.err.println("shiftlens: SHIFTLENS_API_KEY is not set; this run's API key is " + config.apiKey());
    }
    Server server;
    try {
      server = start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("shiftlens: could not start: " + cause.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop().get(90, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warning("shutdown did not finish cleanly: " + e);
      }
    }, "shiftlens-shutdown"));
    System.out.println("shiftlens: serving on http://" + displayHost(config.http().host()) + ":" + config.http().port());
  }

  /** Starts a server in this process (also used by the end-to-end tests). */
  public static Future<Server> start(Config config) {
    Metrics metrics = new Metrics();
    Vertx vertx = metrics.vertx(new VertxOptions().setPreferNativeTransport(false));
    Services services = new Services(vertx, config, metrics);
    Server server = new Server(vertx, services);
    return new Migrations(vertx, config, services.clickhouse).run()
        .compose(v -> services.sendPartitions.start())
        .compose(v -> services.keys.loadIndex())
        .compose(v -> {
          services.keys.watch(vertx);
          return Future.succeededFuture();
        })
        .compose(v -> vertx.deployVerticle(() -> server.http = new HttpApiVerticle(services),
            new DeploymentOptions().setInstances(config.http().instances())))
        .compose(id -> {
          server.deployment = id;
          if (!config.evaluation().enabled()) return Future.succeededFuture(server);
          return vertx.deployVerticle(new EvaluationVerticle(services.evaluations)).map(e -> {
            server.evaluation = e;
            return server;
          });
        })
        .map(s -> {
          services.status.warmUp();
          services.events.startDraining(); // a spool left by an earlier run, now that the schema is there
          services.evaluations.watchQueue(); // once the sends table surely exists
          return server;
        })
        .recover(e -> {
          vertx.close(); // not awaited: its completion would be delivered on the loops it stops
          return Future.failedFuture(e);
        });
  }

  /**
   * Graceful stop: no new connections, requests in flight answered, queued rows stored, stores closed;
   * then Vert.x itself is closed. Completes on a plain future because Vert.x cannot deliver the
   * completion of its own close on the event loops it has stopped.
   */
  public CompletableFuture<Void> stop() {
    // Standard error, not the logger: the JDK resets logging handlers in its own shutdown hook.
    say("stopping: finishing requests in flight");
    CompletableFuture<Void> done = new CompletableFuture<>();
    Future<?> undeploy = deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    undeploy
        .eventually(() -> {
          if (evaluation == null) return Future.succeededFuture();
          say("stopping: finishing evaluations in progress");
          return vertx.undeploy(evaluation);
        })
        .eventually(() -> {
          services.keys.stopWatching(vertx);
          say("stopping: storing queued events");
          return services.close();
        })
        .onComplete(r -> {
      if (r.failed()) say("stopping: " + r.cause());
      say("stopped");
      vertx.close();
      done.complete(null);
    });
    return done;
  }

  private static void say(String what) {
    System.err.println(java.time.Instant.now() + " shiftlens: " + what);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The routes the HTTP API answers (to check its documentation against them). */
  public List<Route> routes() {
    return http == null ? List.of() : http.routes();
  }

  private static String displayHost(String host) {
    return host.equals("0.0.0.0") ? "127.0.0.1" : host;
  }
}
