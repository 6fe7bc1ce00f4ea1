package dev.shiftlens.platform;

import dev.shiftlens.audience.AudienceApi;
import dev.shiftlens.audience.Audiences;
import dev.shiftlens.apidocs.ApiDocs;
import dev.shiftlens.contact.ContactApi;
import dev.shiftlens.contact.ContactRepository;
import dev.shiftlens.contactview.ContactViewApi;
import dev.shiftlens.dashboard.Dashboard;
import dev.shiftlens.evaluation.Evaluations;
import dev.shiftlens.eventtype.EventTypeApi;
import dev.shiftlens.eventtype.EventTypeRepository;
import dev.shiftlens.ingest.EventBatchWriter;
import dev.shiftlens.ingest.IngestApi;
import dev.shiftlens.ingest.IngestMetrics;
import dev.shiftlens.mcp.McpApi;
import dev.shiftlens.query.MessageApi;
import dev.shiftlens.query.MessageRepository;
import dev.shiftlens.query.MetricsApi;
import dev.shiftlens.send.SendApi;
import dev.shiftlens.send.SendPartitions;
import dev.shiftlens.send.SendRepository;
import dev.shiftlens.status.StatusApi;
import dev.shiftlens.stream.StreamApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The objects every HTTP verticle instance shares: store clients, the event writer and the feature
 * services. Built once per process by {@link Server}; thread-safe.
 */
public final class Services {
  final Config config;
  final Pool pool;
  final ClickHouse clickhouse;
  final EventBatchWriter events;
  final ApiKeys keys;
  final ApiKeyApi keyApi;
  final IngestApi ingest;
  final dev.shiftlens.ingest.SegmentApi segment;
  final ContactApi contacts;
  final SendApi sends;
  /** The monthly partitions of sends: made ahead, and dropped past the retention. */
  final SendPartitions sendPartitions;
  final StatusApi status;
  final Evaluations evaluations;
  /** The configured event types; the evaluation reads a snapshot of them once per batch. */
  final EventTypeRepository eventTypes;
  final EventTypeApi eventTypeApi;
  final StreamApi stream;
  final AudienceApi audiences;
  final ApiDocs apiDocs;
  final MetricsApi metrics;
  final MessageApi messages;
  final ContactViewApi contactViews;
  /** This server's meters, served at {@code /metrics}. */
  final Metrics meters;
  final Dashboard dashboard;
  /** {@code /mcp}: tools for agents, answered by this server's own REST API. */
  final McpApi mcp;

  Services(Vertx vertx, Config config, Metrics meters) {
    this.config = config;
    this.meters = meters;
    StoreErrors storeErrors = new StoreErrors(meters.registry());
    this.clickhouse = new ClickHouse(vertx, config.clickhouse(), storeErrors);
    this.pool = storeErrors.watch(PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.postgres().poolSize()).setShared(true).setName("shiftlens-pg"))
        .connectingTo(PgConnectOptions.fromUri(config.postgres().uri()).setCachePreparedStatements(true))
        .using(vertx)
        .build());
    IngestMetrics ingestMetrics = new IngestMetrics(meters.registry());
    this.events = new EventBatchWriter(vertx, clickhouse, config.ingest(), ingestMetrics);
    this.keys = new ApiKeys(config.apiKey(), new ApiKeyStore(pool), config.auth(), meters.registry());
    this.keyApi = new ApiKeyApi(keys);
    ContactRepository contactRepository = new ContactRepository(pool);
    SendRepository sendRepository = new SendRepository(pool);
    this.ingest = new IngestApi(config, events, contactRepository, sendRepository, ingestMetrics);
    this.segment = new dev.shiftlens.ingest.SegmentApi(keys, events, contactRepository, pool, ingestMetrics,
        config.http().maxConcurrentIngests());
    this.contacts = new ContactApi(contactRepository);
    this.sends = new SendApi(sendRepository);
    this.sendPartitions = new SendPartitions(vertx, pool, config.postgres().sendRetentionMonths());
    this.eventTypes = new EventTypeRepository(pool);
    this.eventTypeApi = new EventTypeApi(eventTypes);
    this.stream = new StreamApi(vertx, pool, PgConnectOptions.fromUri(config.postgres().uri()), config.stream());
    this.audiences = new AudienceApi(new Audiences(pool, clickhouse));
    this.apiDocs = new ApiDocs();
    this.dashboard = new Dashboard();
    MessageRepository messageRepository = new MessageRepository(pool);
    this.messages = new MessageApi(messageRepository);
    this.metrics = new MetricsApi(clickhouse, messageRepository, config.evaluation().alpha());
    // Event rows are stamped when handed to the writer; from then on they are stored, or given up on,
    // within the linger time, the retry budget and the timeout of the attempt that runs when it ends.
    long settle = Math.max(300, (config.ingest().storeRetryMillis() + 2L * config.clickhouse().timeoutMillis()) / 1000 + 60);
    this.status = new StatusApi(pool, clickhouse, events, settle);
    // The "*" row weighs each event name by its type's reward; irrelevant names weigh nothing.
    this.evaluations = new Evaluations(vertx, pool, clickhouse, config.evaluation(),
        () -> eventTypes.snapshot().map(types -> name -> {
          var type = types.of(name);
          return type.inTotal() ? type.reward() : 0.0;
        }), meters.registry());
    this.contactViews = new ContactViewApi(vertx, pool, clickhouse, evaluations, sends, config.evaluation().baselineDays());
    String version = Services.class.getPackage().getImplementationVersion();
    this.mcp = new McpApi(vertx, config.http().host(), config.http().port(), version == null ? "dev" : version);
  }

  /** Stores the events still queued, then closes the store clients. */
  Future<Void> close() {
    evaluations.stopWatchingQueue();
    sendPartitions.stop();
    return events.close()
        .eventually(stream::close)
        .eventually(pool::close)
        .eventually(() -> {
          clickhouse.close();
          return Future.succeededFuture();
        });
  }
}
