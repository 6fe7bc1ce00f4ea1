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
import java.util.concurrent.CountDownLatch;
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

  private BaselineReader reader(BaselineReader.Query query, int maxBatch) {
    return new BaselineReader(query, work -> vertx.executeBlocking(work, false), 1, maxBatch, 0, 0);
  }

  /** {@link #answer}, once {@code open} is counted down. */
  private BaselineReader.Query heldUntil(CountDownLatch open) {
    return (ids, from, to) -> {
      open.await(10, TimeUnit.SECONDS);
      return answer(ids, from, to);
    };
  }

  @Test
  void aRequestThatFindsNoQueryRunningGoesAtOnce() throws Exception {
    BaselineReader reader = reader(this::answer, 500);
    assertEquals(1001, reader.read("a", 1000, 2000).await(10, TimeUnit.SECONDS).firstSeenMillis());
    assertEquals(1001, reader.read("b", 1000, 2000).await(10, TimeUnit.SECONDS).firstSeenMillis());
    assertEquals(List.of(List.of("a"), List.of("b")), queries);
  }

  @Test
  void requestsThatArriveWhileAQueryRunsShareTheNextAndEachGetsItsOwnContact() throws Exception {
    CountDownLatch open = new CountDownLatch(1);
    BaselineReader reader = reader(heldUntil(open), 500);
    var running = reader.read("x", 1000, 2000);
    List<Future<ContactViewQueries.BaselineReads>> reads = new ArrayList<>();
    for (String id : List.of("a", "b", "c", "a")) reads.add(reader.read(id, 1000, 2000));
    open.countDown();
    Future.all(reads).await(10, TimeUnit.SECONDS);
    assertEquals(1001, running.await(10, TimeUnit.SECONDS).firstSeenMillis());
    assertEquals(List.of(List.of("x"), List.of("a", "b", "c")), queries, "one query for all that waited, each contact once");
    for (int i = 0; i < reads.size(); i++) {
      assertEquals(List.of("a", "b", "c", "a").get(i), reads.get(i).result().history().build(null).contactId());
      assertEquals(1003, reads.get(i).result().firstSeenMillis());
    }
  }

  @Test
  void requestsOfAnotherSpanGoInAQueryOfTheirOwn() throws Exception {
    CountDownLatch open = new CountDownLatch(1);
    BaselineReader reader = reader(heldUntil(open), 500);
    var running = reader.read("x", 1000, 2000);
    var first = reader.read("a", 1000, 2000);
    var second = reader.read("b", 1000, 3000);
    open.countDown();
    Future.all(running, first, second).await(10, TimeUnit.SECONDS);
    assertEquals(3, queries.size(), queries.toString());
    assertEquals(1001, first.result().firstSeenMillis());
    assertEquals(1001, second.result().firstSeenMillis());
  }

  @Test
  void noQueryReadsMoreThanABatch() throws Exception {
    CountDownLatch open = new CountDownLatch(1);
    BaselineReader reader = reader(heldUntil(open), 2);
    List<Future<ContactViewQueries.BaselineReads>> reads = new ArrayList<>();
    for (String id : List.of("x", "a", "b", "c", "d", "e")) reads.add(reader.read(id, 0, 1));
    open.countDown();
    Future.all(reads).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(List.of("x"), List.of("a", "b"), List.of("c", "d"), List.of("e")), queries);
  }

  @Test
  void aContactAskedAgainWithinTheCacheTimeIsAnsweredFromMemoryAndAfterItIsReadAgain() throws Exception {
    BaselineReader reader = new BaselineReader(this::answer, work -> vertx.executeBlocking(work, false), 1, 500, 300, 100);
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
    CountDownLatch open = new CountDownLatch(1);
    BaselineReader reader = reader((ids, from, to) -> {
      open.await(10, TimeUnit.SECONDS);
      throw new IllegalStateException("store down");
    }, 500);
    var first = reader.read("a", 0, 1);
    var second = reader.read("b", 0, 1);
    open.countDown();
    Future.join(first, second).otherwiseEmpty().await(10, TimeUnit.SECONDS);
    assertTrue(first.failed() && second.failed());
    assertEquals("store down", first.cause().getMessage());
    // and the reader still serves after a failure
    BaselineReader healthy = reader(this::answer, 500);
    assertEquals(1001, healthy.read("c", 1000, 2000).await(10, TimeUnit.SECONDS).firstSeenMillis());
  }
}
