package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which contacts a request creates, which it waits for, which it skips, and how statements are grouped. */
class KnownContactsTest {
  private final List<List<String>> statements = new ArrayList<>();
  private final List<Promise<Void>> pending = new ArrayList<>();
  private final KnownContacts known = new KnownContacts(1000, ids -> {
    statements.add(List.copyOf(ids));
    Promise<Void> p = Promise.promise();
    pending.add(p);
    return p.future();
  });

  @Test
  void contactsMissingWhileAStatementRunsGoTogetherInTheNextAndNoneIsInsertedTwice() {
    Future<Void> first = known.ensure(List.of("a", "b"));
    Future<Void> second = known.ensure(List.of("b", "c"));
    Future<Void> third = known.ensure(List.of("d"));
    assertEquals(List.of(List.of("a", "b")), statements, "one statement at a time");
    pending.get(0).complete();
    assertTrue(first.succeeded());
    assertFalse(second.isComplete(), "c is not created yet");
    assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), statements, "b is not inserted twice; c and d go together");
    pending.get(1).complete();
    assertTrue(second.succeeded());
    assertTrue(third.succeeded());
    assertTrue(known.ensure(List.of("a", "b", "c", "d")).succeeded());
    assertEquals(2, statements.size(), "known contacts need no statement");
  }

  @Test
  void aFailedStatementFailsItsWaitersAndIsTriedAgainLater() {
    Future<Void> first = known.ensure(List.of("x"));
    Future<Void> second = known.ensure(List.of("x"));
    pending.get(0).fail(new IllegalStateException("store down"));
    assertTrue(first.failed());
    assertTrue(second.failed());
    known.ensure(List.of("x"));
    assertEquals(List.of(List.of("x"), List.of("x")), statements);
  }
}
