package dev.shiftlens.ingest;

import dev.shiftlens.contact.ContactRepository;
import dev.shiftlens.contact.ContactUpsert;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Contacts go to PostgreSQL in chunks, one chunk at a time so that later rows of a body win. Rows of
 * the same contact within a chunk are merged first, as if applied in order.
 */
final class ContactSink implements RowSink {
  private static final int CHUNK = 1000;

  private record Merged(ContactUpsert row, int sources) {}

  private final ContactRepository contacts;
  private final IngestMetrics.Dataset metrics;
  private Map<String, Merged> chunk = new LinkedHashMap<>();

  ContactSink(ContactRepository contacts, IngestMetrics.Dataset metrics) {
    this.contacts = contacts;
    this.metrics = metrics;
  }

  @Override
  public void add(RawRow raw) throws RowException {
    ContactUpsert row = ContactRows.from(raw);
    chunk.merge(row.contactId(), new Merged(row, 1), (a, b) -> new Merged(a.row().then(b.row()), a.sources() + 1));
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
        if (changed.contains(m.row().contactId())) accepted += m.sources();
        else unchanged += m.sources();
      }
      return new Counts(accepted, unchanged);
    });
  }

  @Override
  public int maxOutstanding() {
    return 1;
  }
}
