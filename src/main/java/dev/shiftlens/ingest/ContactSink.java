package dev.shiftlens.ingest;

import dev.shiftlens.contact.ContactRepository;
import dev.shiftlens.contact.ContactUpsert;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Contacts go to PostgreSQL in chunks, one chunk at a time so that later rows of a body win. Rows of
 * the same contact within a chunk are merged first, as if applied in order. The first row of a contact
 * in a body counts as accepted (or as a duplicate when it changes nothing stored); its later rows in
 * the body are merged in and count as duplicates, so that a body sent twice, or a row repeated within
 * it, is never counted twice.
 */
final class ContactSink implements RowSink {
  private static final int CHUNK = 1000;

  /** {@code first}: one of the rows is the contact's first in the body. */
  private record Merged(ContactUpsert row, int sources, boolean first) {}

  private final ContactRepository contacts;
  private final IngestMetrics.Dataset metrics;
  private Map<String, Merged> chunk = new LinkedHashMap<>();
  private final BodyKeys body = new BodyKeys(1 << 19);

  ContactSink(ContactRepository contacts, IngestMetrics.Dataset metrics) {
    this.contacts = contacts;
    this.metrics = metrics;
  }

  @Override
  public void add(RawRow raw) throws RowException {
    ContactUpsert row = ContactRows.from(raw);
    EventKey id = EventKey.hash(row.contactId().getBytes(StandardCharsets.UTF_8));
    boolean first = body.add(id.hi(), id.lo());
    chunk.merge(row.contactId(), new Merged(row, 1, first),
        (a, b) -> new Merged(a.row().then(b.row()), a.sources() + 1, a.first() || b.first()));
  }

  @Override
  public boolean chunkFull() {
    return chunk.size() >= CHUNK;
  }

  @Override
  public Future<Counts> submit() {
    Map<String, Merged> full = chunk;
    chunk = new LinkedHashMap<>();
    if (full.isEmpty()) return Future.succeededFuture(new Counts(0, 0));
    ArrayList<ContactUpsert> rows = new ArrayList<>(full.size());
    full.values().forEach(m -> rows.add(m.row()));
    return metrics.batch(rows.size(), contacts.upsert(rows)).map(changed -> {
      long accepted = 0, unchanged = 0;
      for (Merged m : full.values()) {
        long stored = m.first() && changed.contains(m.row().contactId()) ? 1 : 0;
        accepted += stored;
        unchanged += m.sources() - stored;
      }
      return new Counts(accepted, unchanged);
    });
  }

  @Override
  public int maxOutstanding() {
    return 1;
  }
}
