package dev.shiftlens.contact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shiftlens.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Property merges against the real PostgreSQL, including writers racing on the same contacts. */
@ExtendWith(VertxExtension.class)
class ContactRepositoryIntegrationTest {
  private static TestServer server; // brings the schema; the repository is used directly
  private static Pool pool;
  private static ContactRepository contacts;

  @BeforeAll
  static void start(Vertx vertx) {
    server = TestServer.start();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8))
        .connectingTo(PgConnectOptions.fromUri(dev.shiftlens.support.TestStores.PG_SERVER + "/" + server.database))
        .using(vertx).build();
    contacts = new ContactRepository(pool);
  }

  @AfterAll
  static void stop() {
    pool.close();
    server.close();
  }

  private static ContactUpsert row(String id, JsonObject props) {
    return new ContactUpsert(id, "FR", new JsonObject(), props);
  }

  @Test
  void concurrentWritersOfTheSameContactsLoseNoProperty(VertxTestContext test) {
    List<Future<Set<String>>> writes = new ArrayList<>();
    for (int w = 0; w < 20; w++) {
      List<ContactUpsert> chunk = new ArrayList<>();
      for (int c = 0; c < 50; c++) chunk.add(row("race-" + c, new JsonObject().put("writer_" + w, w)));
      writes.add(contacts.upsert(chunk));
    }
    Future.all(writes)
        .compose(all -> contacts.get("race-7"))
        .onComplete(test.succeeding(contact -> test.verify(() -> {
          JsonObject props = contact.getJsonObject("properties");
          assertEquals(20, props.size(), props.encode());
          for (int w = 0; w < 20; w++) assertEquals(w, props.getInteger("writer_" + w));
          test.completeNow();
        })));
  }

  @Test
  void reachFieldsAreKeptWhenAbsentAndClearedByNull(VertxTestContext test) {
    ContactUpsert withToken = new ContactUpsert("reach-1", "FR", new JsonObject().put("push_token", "tok").put("timezone", "Europe/Paris"), new JsonObject());
    ContactUpsert silent = new ContactUpsert("reach-1", "FR", new JsonObject(), new JsonObject().put("a", 1));
    ContactUpsert cleared = new ContactUpsert("reach-1", "FR", new JsonObject().putNull("push_token"), new JsonObject());
    contacts.upsert(List.of(withToken))
        .compose(x -> contacts.upsert(List.of(silent)))
        .compose(x -> contacts.get("reach-1"))
        .compose(kept -> {
          test.verify(() -> {
            assertEquals("tok", kept.getString("push_token"));
            assertEquals("Europe/Paris", kept.getString("timezone"));
          });
          return contacts.upsert(List.of(cleared));
        })
        .compose(x -> contacts.get("reach-1"))
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertEquals(null, after.getString("push_token"));
          assertEquals("Europe/Paris", after.getString("timezone"));
          assertEquals(1, after.getJsonObject("properties").getInteger("a"));
          test.completeNow();
        })));
  }
}
