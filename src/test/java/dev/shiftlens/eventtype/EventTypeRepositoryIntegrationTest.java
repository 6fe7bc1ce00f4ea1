package dev.shiftlens.eventtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Snapshots of the event types against the real PostgreSQL. */
@ExtendWith(VertxExtension.class)
class EventTypeRepositoryIntegrationTest {
  private static TestServer server; // brings the schema; the repository is used directly
  private static Pool pool;

  @BeforeAll
  static void start(Vertx vertx) {
    server = TestServer.start();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
        .connectingTo(PgConnectOptions.fromUri(TestStores.PG_SERVER + "/" + server.database))
        .using(vertx).build();
  }

  @AfterAll
  static void stop() {
    pool.close();
    server.close();
  }

  @Test
  void aSnapshotIsReusedUntilAPutThroughTheSameRepository(VertxTestContext test) {
    EventTypeRepository types = new EventTypeRepository(pool, Duration.ofMinutes(10));
    types.put(new EventType("cached_a", "revenue", 5))
        .compose(x -> types.snapshot())
        .compose(first -> types.snapshot().map(second -> {
          assertSame(first, second);
          assertEquals(5.0, first.of("cached_a").reward());
          return first;
        }))
        .compose(first -> types.put(new EventType("cached_a", "negative", -2)))
        .compose(x -> types.snapshot())
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertEquals(new EventType("cached_a", "negative", -2), after.of("cached_a"));
          assertEquals(EventType.unconfigured("other"), after.of("other"));
          test.completeNow();
        })));
  }

  @Test
  void aPutThroughAnotherServerIsSeenOnceTheCacheTimeHasPassed(VertxTestContext test) {
    EventTypeRepository reader = new EventTypeRepository(pool, Duration.ofMillis(200));
    EventTypeRepository writer = new EventTypeRepository(pool);
    reader.snapshot()
        .compose(before -> writer.put(new EventType("elsewhere", "irrelevant", 0)).map(before))
        .compose(before -> reader.snapshot().map(cached -> {
          assertSame(before, cached);
          return cached;
        }))
        .compose(cached -> Vertx.currentContext().owner().timer(300))
        .compose(x -> reader.snapshot())
        .onComplete(test.succeeding(fresh -> test.verify(() -> {
          assertEquals(false, fresh.of("elsewhere").inTotal());
          test.completeNow();
        })));
  }
}
