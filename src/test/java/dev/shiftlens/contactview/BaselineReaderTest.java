package dev.shiftlens.contactview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.baseline.ContactHistory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BaselineReaderTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<List<String>> queries = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Map<String, ContactViewQueries.BaselineReads> answer(Collection<String> ids, long from, long to) {
    queries.add(new ArrayList<>(ids));
    Map<String, ContactViewQueries.BaselineReads> out = new HashMap<>();
    for (String id : ids) out.put(id, new ContactViewQueries.BaselineReads(ContactHistory.builder(id), from + ids.size()));
    return out;
  }

  private BaselineReader reader(BaselineReader.Query query, long lingerMillis, int maxBatch) {
    return new BaselineReader(query, work -> vertx.executeBlocking(work, false), 1, maxBatch, lingerMillis, 0, 0, vertx);
  }

  @Test
  void requestsThatArriveWithinTheLingerShareOneQueryAndEachGetsItsOwnContact() throws Exception {
    BaselineReader reader = reader(this::answer, 50, 500);
    List<Future<ContactViewQueries.BaselineReads>> reads = new ArrayList<>();
    for (String id : List.of("a", "b", "c", "a")) reads.add(reader.read(id, 1000, 2000));
    Future.all(reads).await(10, TimeUnit.SECONDS);
    assertEquals(1, queries.size(), "one query for all: " + queries);
    assertEquals(List.of("a", "b", "c"), queries.get(0), "each contact once");
    for (int i = 0; i < reads.size(); i++) {
      assertEquals(List.of("a", "b", "c", "a").get(i), reads.get(i).result().history().build(null).contactId());
      assertEquals(1003, reads.get(i).result().firstSeenMillis());
    }
  }

  @Test
  void requestsOfAnotherSpanGoInAQueryOfTheirOwn() throws Exception {
    BaselineReader reader = reader(this::answer, 20, 500);
    var first = reader.read("a", 1000, 2000);
    var second = reader.read("b", 1000, 3000);
    Future.all(first, second).await(10, TimeUnit.SECONDS);
    assertEquals(2, queries.size(), queries.toString());
    assertEquals(1001, first.result().firstSeenMillis());
    assertEquals(1001, second.result().firstSeenMillis());
  }

  @Test
  void aFullBatchGoesAtOnceWithoutWaitingForTheLinger() throws Exception {
    BaselineReader reader = reader(this::answer, 60_000, 2);
    var first = reader.read("a", 0, 1);
    var second = reader.read("b", 0, 1);
    Future.all(first, second).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(List.of("a", "b")), queries);
  }

  @Test
  void aContactAskedAgainWithinTheCacheTimeIsAnsweredFromMemoryAndAfterItIsReadAgain() throws Exception {
    BaselineReader reader = new BaselineReader(this::answer, work -> vertx.executeBlocking(work, false), 1, 500, 1, 300, 100, vertx);
    reader.read("a", 1000, 2000).await(10, TimeUnit.SECONDS);
    reader.read("a", 1000, 2000).await(10, TimeUnit.SECONDS);
    assertEquals(1, queries.size(), "the second read is cached: " + queries);
    reader.read("a", 1000, 3000).await(10, TimeUnit.SECONDS);
    assertEquals(2, queries.size(), "another span is read: " + queries);
    Thread.sleep(400);
    reader.read("a", 1000, 3000).await(10, TimeUnit.SECONDS);
    assertEquals(3, queries.size(), "an expired read is read again: " + queries);
  }

  @Test
  void aFailedQueryFailsEveryRequestItServed() throws Exception {
    BaselineReader reader = reader((ids, from, to) -> {
      throw new IllegalStateException("store down");
    }, 10, 500);
    var first = reader.read("a", 0, 1);
    var second = reader.read("b", 0, 1);
    Future.join(first, second).otherwiseEmpty().await(10, TimeUnit.SECONDS);
    assertTrue(first.failed() && second.failed());
    assertEquals("store down", first.cause().getMessage());
    // and the reader still serves after a failure
    BaselineReader healthy = reader(this::answer, 10, 500);
    assertEquals(1001, healthy.read("c", 1000, 2000).await(10, TimeUnit.SECONDS).firstSeenMillis());
  }
}
