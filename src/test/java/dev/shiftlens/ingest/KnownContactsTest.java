package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which contacts a request creates itself, which it waits for, and which it skips. */
class KnownContactsTest {
  private final List<List<String>> statements = new ArrayList<>();
  private final List<Promise<Void>> pending = new ArrayList<>();

  private Future<Void> create(List<String> ids) {
    statements.add(List.copyOf(ids));
    Promise<Void> p = Promise.promise();
    pending.add(p);
    return p.future();
  }

  @Test
  void aContactBeingCreatedIsWaitedForAndOnceCreatedNeedsNoStatement() {
    KnownContacts known = new KnownContacts(1000);
    Future<Void> first = known.ensure(List.of("a", "b"), this::create);
    Future<Void> second = known.ensure(List.of("b", "c"), this::create);
    assertEquals(List.of(List.of("a", "b"), List.of("c")), statements, "b is not inserted twice");
    pending.get(1).complete();
    assertFalse(second.isComplete(), "the second request waits for b, which the first creates");
    pending.get(0).complete();
    assertTrue(first.succeeded());
    assertTrue(second.succeeded());
    assertTrue(known.ensure(List.of("a", "b", "c"), this::create).succeeded());
    assertEquals(2, statements.size(), "known contacts need no statement");
  }

  @Test
  void aFailedCreationFailsItsWaitersAndIsTriedAgainLater() {
    KnownContacts known = new KnownContacts(1000);
    Future<Void> first = known.ensure(List.of("x"), this::create);
    Future<Void> second = known.ensure(List.of("x"), this::create);
    pending.get(0).fail(new IllegalStateException("store down"));
    assertTrue(first.failed());
    assertTrue(second.failed());
    known.ensure(List.of("x"), this::create);
    assertEquals(List.of(List.of("x"), List.of("x")), statements);
  }
}
