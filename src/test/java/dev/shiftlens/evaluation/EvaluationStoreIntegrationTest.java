package dev.shiftlens.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluation queue against the real PostgreSQL: claims are exclusive, leases expire, only the claim's owner finishes. */
class EvaluationStoreIntegrationTest {
  private static final int SENDS = 40;
  private static TestServer server; // brings the schema and takes the sends in; evaluation is off
  private static Vertx vertx;
  private static Pool pool;
  private static EvaluationStore store;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    StringBuilder body = new StringBuilder("[");
    String sentAt = Instant.now().minus(5, ChronoUnit.HOURS).toString();
    for (int i = 0; i < SENDS; i++) {
      body.append(i == 0 ? "" : ",").append("{\"send_id\":\"q").append(i).append("\",\"contact_id\":\"c").append(i % 7)
          .append("\",\"message_id\":\"m\",\"channel\":\"push\",\"sent_at\":\"").append(sentAt).append("\",\"window_hours\":1}");
    }
    assertEquals(200, server.post("/v1/sends", "application/json", body.append("]").toString()).statusCode());
    // One send whose window is still open: never claimed.
    server.post("/v1/sends", "application/json", "[{\"send_id\":\"open\",\"contact_id\":\"c1\",\"message_id\":\"m\","
        + "\"channel\":\"push\",\"sent_at\":\"" + Instant.now().minus(10, ChronoUnit.MINUTES) + "\",\"window_hours\":1}]");
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8))
        .connectingTo(PgConnectOptions.fromUri(TestStores.PG_SERVER + "/" + server.database)).using(vertx).build();
    store = new EvaluationStore(pool);
  }

  @AfterAll
  static void stop() {
    pool.close();
    vertx.close();
    server.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Set<String> ids(List<ClaimedSend> claimed) {
    return claimed.stream().map(ClaimedSend::sendId).collect(Collectors.toSet());
  }

  @Test
  void concurrentClaimsAreDisjointLeasesExpireAndOnlyTheOwnerFinishes() throws Exception {
    UUID a = UUID.randomUUID(), b = UUID.randomUUID(), c = UUID.randomUUID();
    // A claim of none marks the closed windows due. (Two claims that mark at once can each skip the rows the
    // other is marking, and one of them then finds nothing due: harmless, the next round takes them.)
    assertEquals(List.of(), await(store.claim(0, 0, 60, c)));
    // Two claimers at once split the due sends between them, without waiting for each other.
    Future<List<ClaimedSend>> first = store.claim(0, 25, 60, a);
    Future<List<ClaimedSend>> second = store.claim(0, 25, 60, b);
    Set<String> byA = ids(await(first)), byB = ids(await(second));
    Set<String> both = new HashSet<>(byA);
    both.retainAll(byB);
    assertEquals(Set.of(), both, "a send claimed twice");
    assertEquals(SENDS, byA.size() + byB.size(), "every due send claimed once, the open one not: " + byA + byB);
    assertTrue(!byA.contains("open") && !byB.contains("open"));
    assertEquals(List.of(), await(store.claim(0, 100, 60, c)), "nothing left while the leases hold");

    // A finish under the wrong token stores nothing; under the owner's it stores.
    String one = byA.iterator().next();
    var outcome = List.of(new EvaluationStore.Outcome(one, SendEvaluator.INSUFFICIENT, "[]", null, null));
    assertEquals(0, await(store.finish(outcome, b, Instant.now())).size());
    assertEquals(1, await(store.finish(outcome, a, Instant.now())).size());
    assertEquals(0, await(store.finish(outcome, a, Instant.now())).size(), "a finished send is not finished again");

    // B's instance dies: once its lease ends, its sends are claimed again, and B can no longer finish them.
    TestStores.postgres(server.database, "UPDATE sends SET claimed_until = now() - interval '1 second' WHERE claim_token = '" + b + "'");
    Set<String> retaken = ids(await(store.claim(0, 100, 60, c)));
    assertEquals(byB, retaken);
    String lost = byB.iterator().next();
    assertEquals(0, await(store.finish(List.of(new EvaluationStore.Outcome(lost, SendEvaluator.INSUFFICIENT, "[]", null, null)),
        b, Instant.now())).size());
    assertEquals(1, await(store.finish(List.of(new EvaluationStore.Outcome(lost, SendEvaluator.INSUFFICIENT, "[]", null, null)),
        c, Instant.now())).size());

    // A failed batch gives its sends back for a later attempt, not at once.
    await(store.release(c, 60));
    assertEquals(List.of(), await(store.claim(0, 100, 60, a)), "released sends wait for the retry delay");
    TestStores.postgres(server.database, "UPDATE sends SET claimed_until = now() - interval '1 second' WHERE claim_token = '" + c + "'");
    Set<String> again = ids(await(store.claim(0, 100, 60, a)));
    assertEquals(byB.size() - 1, again.size(), "the unfinished sends of the failed claim: " + again);
  }
}
