package dev.shiftlens.ingest;

import dev.shiftlens.contact.ContactRepository;
import dev.shiftlens.contact.ContactUpsert;
import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ApiKeys;
import dev.shiftlens.platform.BodyDecoder;
import dev.shiftlens.platform.Scope;
import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Segment HTTP Tracking API, as Segment's and RudderStack's SDKs speak it: {@code POST /v1/batch},
 * {@code /v1/import}, {@code /v1/track}, {@code /v1/identify}, {@code /v1/page}, {@code /v1/screen},
 * {@code /v1/group} and {@code /v1/alias}. The write key comes as the HTTP Basic user name, as
 * {@code writeKey} in the body, or as a Bearer key; it must have the {@code ingest} scope.
 *
 * <p>Messages become events ({@code track}, {@code page}, {@code screen}), contact upserts
 * ({@code identify}, {@code group}; an event's contact is created when missing, with an unknown country)
 * and identity links ({@code alias}, and {@code identify} with both {@code userId} and
 * {@code anonymousId}). A message that carries only an anonymous id is attributed to the user id it
 * is linked to, by a stored link or by an earlier message of the same body.
 */
public final class SegmentApi {
  static final int MAX_MESSAGE = 32 * 1024;
  static final int MAX_BATCH = 500 * 1024;
  static final String PAGE_EVENT = "page_viewed";
  static final String SCREEN_EVENT = "screen_viewed";
  private static final int MAX_TEXT = 4096;
  private static final int MAX_DEPTH = 16;
  static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
  private static final String LINKS_GET = SqlFiles.postgres("identity_links_get");
  private static final String LINKS_PUT = SqlFiles.postgres("identity_links_put");
  /** Messages counted as contacts in the ingest metrics; the others count as events. */
  private static final Set<Object> CONTACT_TYPES = Set.of("identify", "group", "alias");
  private static final int KNOWN_CONTACTS = 1 << 18;

  private final ApiKeys keys;
  private final EventBatchWriter events;
  private final ContactRepository contacts;
  private final Pool pool;
  private final IngestMetrics metrics;
  private final int maxConcurrent;
  // Each request holds its whole body (at most 500 KB): bounding their number bounds memory.
  private final AtomicInteger active = new AtomicInteger();
  private final KnownContacts knownContacts;

  public SegmentApi(ApiKeys keys, EventBatchWriter events, ContactRepository contacts, Pool pool, IngestMetrics metrics,
      int maxConcurrent) {
    this.maxConcurrent = maxConcurrent;
    this.keys = keys;
    this.events = events;
    this.contacts = contacts;
    this.pool = pool;
    this.metrics = metrics;
    this.knownContacts = new KnownContacts(KNOWN_CONTACTS, ids -> written(ids.size(), contacts.createMissing(ids)));
    metrics.watchRequests(active);
  }

  /** The handler of one endpoint: {@code type} is the message type of a single call, null for a batch. */
  public Handler<RoutingContext> handler(String type) {
    return ctx -> receive(ctx, type);
  }

  /**
   * A key in the {@code Authorization} header (Basic or Bearer) is checked before the body is read; without
   * one, the body's {@code writeKey} is.
   */
  private void receive(RoutingContext ctx, String type) {
    long receivedAt = System.currentTimeMillis();
    if (active.incrementAndGet() > maxConcurrent) {
      active.decrementAndGet();
      throw ApiException.unavailable("too many ingestion requests at once; retry shortly", 1);
    }
    AtomicBoolean held = new AtomicBoolean(true);
    ctx.addEndHandler(v -> {
      if (held.compareAndSet(true, false)) active.decrementAndGet();
    });
    String headerKey = headerKey(ctx.request());
    if (headerKey != null) {
      authenticate(headerKey).onFailure(ctx::fail).onSuccess(v -> read(ctx, type, metrics, body -> {
        SegmentBody cut;
        try {
          cut = SegmentBody.cut(body.bytes(), body.length());
        } catch (MalformedBodyException e) {
          throw ApiException.badRequest("the body is not a JSON object: " + e.getMessage());
        }
        ingest(ctx, type, cut, receivedAt);
      }));
      return;
    }
    read(ctx, type, metrics, body -> {
      SegmentBody cut = null;
      Object key = null;
      try {
        cut = SegmentBody.cut(body.bytes(), body.length());
        key = cut.member("writeKey");
      } catch (MalformedBodyException | RowException e) {
        // no key to be found: answered 401 below
      }
      if (!(key instanceof String s) || s.isEmpty()) {
        throw new ApiException(401, "Unauthorized", "send the write key as the HTTP Basic user name, as 'writeKey' in the body,"
            + " or as 'Authorization: Bearer <key>'");
      }
      SegmentBody message = cut;
      authenticate(s).onFailure(ctx::fail).onSuccess(v -> {
        try {
          ingest(ctx, type, message, receivedAt);
        } catch (RuntimeException e) {
          ctx.fail(e);
        }
      });
    });
  }

  private Future<Void> authenticate(String key) {
    return keys.scopesOf(key).compose(scopes -> {
      if (scopes.isEmpty()) return Future.failedFuture(new ApiException(401, "Unauthorized", "unknown write key"));
      if (!scopes.contains(Scope.INGEST)) return Future.failedFuture(new ApiException(403, "Forbidden", "this write key lacks the 'ingest' scope"));
      return Future.succeededFuture();
    });
  }

  /** A body read whole: {@code bytes[0, length)}. */
  private record Body(byte[] bytes, int length) {}

  /** Reads the whole (decoded) body, at most {@link #MAX_BATCH} or {@link #MAX_MESSAGE} bytes, then hands it on. */
  private static void read(RoutingContext ctx, String type, IngestMetrics metrics, java.util.function.Consumer<Body> then) {
    HttpServerRequest req = ctx.request();
    int limit = type == null ? MAX_BATCH : MAX_MESSAGE;
    BodyDecoder decoder;
    int expected = 16 * 1024;
    try {
      decoder = BodyDecoder.of(req.getHeader("Content-Encoding"));
      String length = req.getHeader("Content-Length");
      if (decoder.identity() && length != null) {
        long n;
        try {
          n = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
          throw ApiException.badRequest("Content-Length is not a number");
        }
        if (n > limit) throw tooLarge(type, limit);
        expected = (int) Math.max(1, n);
      }
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    byte[][] body = {new byte[expected]};
    int[] size = {0};
    AtomicBoolean over = new AtomicBoolean();
    req.handler(chunk -> {
      if (over.get()) return;
      try {
        byte[] bytes = chunk.getBytes();
        boolean more = decoder.<RuntimeException>feed(bytes, 0, bytes.length, (b, off, len) -> {
          if (size[0] + len > limit) return false;
          if (!decoder.identity()) metrics.events.decoded(len);
          if (size[0] + len > body[0].length) body[0] = Arrays.copyOf(body[0], Math.min(limit, Math.max(2 * body[0].length, size[0] + len)));
          System.arraycopy(b, off, body[0], size[0], len);
          size[0] += len;
          return true;
        });
        if (!more) {
          over.set(true);
          decoder.close();
          ctx.fail(tooLarge(type, limit));
        }
      } catch (RuntimeException e) {
        over.set(true);
        decoder.close();
        ctx.fail(e);
      }
    });
    req.exceptionHandler(e -> {
      if (over.compareAndSet(false, true)) decoder.close();
    });
    req.endHandler(v -> {
      if (over.getAndSet(true)) return;
      try {
        decoder.finish();
        then.accept(new Body(body[0], size[0]));
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
    req.resume();
  }

  private static ApiException tooLarge(String type, int limit) {
    // Segment answers 400 to an oversized call, and its SDKs never retry a 400 (some retry a 413).
    return new ApiException(400, "Bad Request", (type == null ? "a batch" : "a single call") + " is limited to "
        + limit / 1024 + " KB (decompressed); split it", new JsonObject().put("limit_bytes", limit));
  }

  /** The HTTP Basic user name or the Bearer key; null without an Authorization header; 401 for another scheme. */
  static String headerKey(HttpServerRequest req) {
    String header = req.getHeader("Authorization");
    if (header == null || header.isBlank()) return null;
    if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ApiException(401, "Unauthorized", "the Basic credentials are not valid base64");
      }
      int colon = decoded.indexOf(':');
      String user = colon < 0 ? decoded : decoded.substring(0, colon);
      if (user.isEmpty()) throw new ApiException(401, "Unauthorized", "send the write key as the Basic user name (with an empty password)");
      return user;
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) return header.substring(7).strip();
    throw new ApiException(401, "Unauthorized", "use HTTP Basic (the write key as user name) or 'Authorization: Bearer <key>'");
  }

  /** One message's outcome: an event, a contact upsert, a link; any may be null. */
  record Parsed(EventRow event, ContactUpsert contact, String[] link) {}

  /**
   * Reads the messages of a body in order (a track with its user id straight into an event, the others into
   * a tree that {@link #parse} maps), looks up the links of the anonymous ids among them, then stores.
   */
  private void ingest(RoutingContext ctx, String type, SegmentBody body, long receivedAt) {
    List<JsonObject> messages = new ArrayList<>();
    List<JsonObject> rejected = new ArrayList<>();
    Parsed[] early = null; // messages already read as events by the track reader
    Object sentAt;
    if (type == null) {
      List<SegmentBody.Range> items = body.batch();
      if (items == null) throw ApiException.badField("batch", "a batch body needs 'batch', an array of messages");
      JsonObject shared, integrations;
      try {
        sentAt = body.member("sentAt");
        shared = body.member("context") instanceof JsonObject c ? c : null;
        integrations = body.member("integrations") instanceof JsonObject i ? i : null;
      } catch (RowException e) {
        throw e.field() == null ? ApiException.badRequest(e.getMessage()) : ApiException.badField(e.field(), e.getMessage());
      }
      TrackReader tracks = new TrackReader(sentAt, shared, receivedAt);
      early = new Parsed[items.size()];
      for (int i = 0; i < items.size(); i++) {
        SegmentBody.Range item = items.get(i);
        messages.add(null);
        if (item.length() > MAX_MESSAGE) {
          rejected.add(rejection(i, null, "a message is limited to 32 KB"));
          continue;
        }
        early[i] = tracks.read(body.bytes(), item.start(), item.length());
        if (early[i] != null) continue;
        JsonObject m;
        try {
          m = body.object(item, "");
        } catch (RowException e) {
          rejected.add(rejection(i, e.field(), e.field() == null && e.getMessage().equals("must be a JSON object")
              ? "a message must be a JSON object" : e.getMessage()));
          continue;
        }
        if (shared != null) {
          JsonObject own = m.getValue("context") instanceof JsonObject c ? c : new JsonObject();
          m.put("context", shared.copy().mergeIn(own, true));
        }
        if (integrations != null && !m.containsKey("integrations")) m.put("integrations", integrations);
        messages.set(i, m);
      }
    } else {
      JsonObject m;
      try {
        m = body.whole();
      } catch (RowException e) {
        throw e.field() == null ? ApiException.badRequest(e.getMessage()) : ApiException.badField(e.field(), e.getMessage());
      }
      sentAt = m.getValue("sentAt");
      m.put("type", type);
      messages.add(m);
    }

    // Anonymous ids that may be linked to a user already.
    Set<String> anonymous = new HashSet<>();
    for (JsonObject m : messages) {
      if (m != null && id(m.getValue("userId")) == null && id(m.getValue("anonymousId")) != null) anonymous.add(id(m.getValue("anonymousId")));
    }
    Future<Map<String, String>> stored = anonymous.isEmpty() ? Future.succeededFuture(Map.of())
        : pool.preparedQuery(LINKS_GET).execute(Tuple.tuple().addValue(anonymous.toArray(new String[0]))).map(rows -> {
          Map<String, String> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getString(0), r.getString(1)));
          return out;
        });
    Parsed[] read = early != null ? early : new Parsed[messages.size()];
    stored.onFailure(e -> ctx.fail(ApiException.storeUnavailable(e))).onSuccess(links -> {
      try {
        store(ctx, type, messages, read, rejected, links, sentAt, receivedAt);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  /**
   * Maps the messages and stores what they carry: links and contacts in PostgreSQL while the events go to
   * ClickHouse, and answers once all of it is stored.
   */
  private void store(RoutingContext ctx, String type, List<JsonObject> messages, Parsed[] read, List<JsonObject> rejected,
      Map<String, String> links, Object sentAt, long receivedAt) {
    Map<String, String> known = new HashMap<>(links);
    Map<String, String> newLinks = new LinkedHashMap<>();
    Map<String, ContactUpsert> upserts = new LinkedHashMap<>();
    EventChunk chunk = new EventChunk(Math.max(1024, messages.size() * 160));
    BodyKeys seen = new BodyKeys(1 << 16);
    // Messages rejected before they could be read count as events, as do those of an unknown type.
    long eventRows = 0, eventDuplicates = 0, contactRows = 0, rejectedEvents = rejected.size(), rejectedContacts = 0;
    Parsed[] parsed = read;
    EventKey[] keys = new EventKey[messages.size()];
    for (int i = 0; i < messages.size(); i++) {
      if (parsed[i] != null) { // a track with its user id: no link to resolve or record
        keys[i] = parsed[i].event().key();
        continue;
      }
      JsonObject m = messages.get(i);
      if (m == null) continue;
      Parsed p;
      try {
        p = parse(m, known, sentAt, receivedAt);
      } catch (RowException e) {
        boolean contact = CONTACT_TYPES.contains(m.getValue("type"));
        if (contact) rejectedContacts++;
        else rejectedEvents++;
        if (type != null) {
          (contact ? metrics.contacts : metrics.events).rejected();
          throw e.field() == null ? ApiException.badRequest(e.getMessage()) : ApiException.badField(e.field(), e.getMessage());
        }
        rejected.add(rejection(i, e.field(), e.getMessage()));
        continue;
      }
      if (p.link() != null) {
        known.put(p.link()[0], p.link()[1]);
        newLinks.remove(p.link()[0]); // keeps the order of the latest link
        newLinks.put(p.link()[0], p.link()[1]);
      }
      parsed[i] = p;
      if (p.event() != null) keys[i] = p.event().key();
    }
    // The stored keys are looked up in a loop of their own: each lookup is a cache miss in a large table,
    // and with nothing else in the loop the processor has several of them under way at once.
    boolean[] stored = new boolean[keys.length];
    RecentKeys recent = events.recentKeys();
    for (int i = 0; i < keys.length; i++) {
      EventKey k = keys[i];
      if (k != null) stored[i] = recent.contains(k.hi(), k.lo());
    }
    for (int i = 0; i < parsed.length; i++) {
      Parsed p = parsed[i];
      if (p == null) continue;
      if (p.contact() != null) upserts.merge(p.contact().contactId(), p.contact(), ContactUpsert::then);
      if (p.event() != null) {
        EventKey k = keys[i];
        if (!seen.add(k.hi(), k.lo()) || stored[i]) {
          eventDuplicates++;
        } else {
          chunk.add(p.event(), k);
          eventRows++;
        }
      } else {
        contactRows++;
      }
    }
    long acceptedMessages = eventRows + contactRows, duplicateMessages = eventDuplicates;
    rejected.sort(java.util.Comparator.comparingInt(o -> o.getInteger("row")));
    JsonArray rejectedInOrder = new JsonArray(new ArrayList<>(rejected));
    // An event's contact only has to exist: those this server has not made sure of already are created
    // (KnownContacts, with those of concurrent requests) without the locks an upsert that merges properties takes.
    List<ContactUpsert> merges = new ArrayList<>();
    List<String> bare = new ArrayList<>();
    upserts.values().forEach(u -> {
      if (u.country() == null && u.reach().isEmpty() && u.properties().isEmpty()) bare.add(u.contactId());
      else merges.add(u);
    });
    // Links, contacts and events are stored side by side: a failure of either answers 503, and the retry
    // that follows finds the stored events to be duplicates and stores the rest.
    Future<Void> people = storeLinks(newLinks)
        .compose(v -> knownContacts.ensure(bare)
            .compose(x -> written(merges.size(), contacts.upsert(merges)))
            .andThen(r -> {
              if (r.succeeded()) knownContacts.add(merges.stream().map(ContactUpsert::contactId).toList());
            })
            .recover(e -> Future.failedFuture(ApiException.storeUnavailable(e))))
        .<Void>mapEmpty();
    Future<Void> written = chunk.rows() == 0 ? Future.succeededFuture() : events.awaitRoom().compose(x -> {
      chunk.stamp(System.currentTimeMillis() / 1000);
      return events.submit(chunk);
    });
    metrics.events.rejected(rejectedEvents);
    metrics.contacts.rejected(rejectedContacts);
    long storedEvents = eventRows, contactMessages = contactRows;
    // Contacts may be created by a request on another event loop: the answer goes back to this one.
    Context context = Vertx.currentContext();
    Promise<Void> done = Promise.promise();
    Future.all(people, written).onComplete(r -> context.runOnContext(x -> done.handle(r.mapEmpty())));
    done.future()
        .onFailure(ctx::fail)
        .onSuccess(v -> {
          metrics.events.stored(storedEvents, duplicateMessages);
          metrics.contacts.stored(contactMessages, 0);
          // The common answer, nothing rejected, is written as text: an SDK's batch is small, so building
          // and encoding a tree per request would cost as much as a few of its messages.
          String answer = rejectedInOrder.isEmpty()
              ? "{\"success\":true,\"accepted\":" + acceptedMessages + ",\"duplicates\":" + duplicateMessages + ",\"rejected\":[]}"
              : new JsonObject().put("success", true).put("accepted", acceptedMessages)
                  .put("duplicates", duplicateMessages).put("rejected", rejectedInOrder).encode();
          ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(answer);
        });
  }

  /** A write of contacts, measured as the native endpoint's are (an empty one is no write). */
  private <T> Future<T> written(int rows, Future<T> write) {
    return rows == 0 ? write : metrics.contacts.batch(rows, write);
  }

  private Future<Void> storeLinks(Map<String, String> links) {
    if (links.isEmpty()) return Future.succeededFuture();
    return pool.preparedQuery(LINKS_PUT)
        .execute(Tuple.tuple().addValue(links.keySet().toArray(new String[0])).addValue(links.values().toArray(new String[0])))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(ApiException.storeUnavailable(e)));
  }

  private static JsonObject rejection(int row, String field, String error) {
    return new JsonObject().put("row", row).put("field", field).put("error", error);
  }

  /** A message as Shiftlens keeps it; {@code links} resolves anonymous ids (and grows with this body's links). */
  static Parsed parse(JsonObject m, Map<String, String> links, Object batchSentAt, long receivedAt) throws RowException {
    Object typeValue = m.getValue("type");
    if (!(typeValue instanceof String type)) throw new RowException("type", "is required: track, identify, page, screen, group or alias");
    JsonObject context = m.getValue("context") instanceof JsonObject c ? c : new JsonObject();
    switch (type) {
      case "track", "page", "screen" -> {
        String contact = contactOf(m, links);
        String name;
        JsonObject metadata = object(m, "properties");
        if (type.equals("track")) {
          Object event = m.getValue("event");
          if (event == null) throw new RowException("event", "is required");
          if (!(event instanceof String e) || e.isEmpty()) throw new RowException("event", "must be a non-empty string");
          name = Fields.text("event", e, EventRow.MAX_ID);
        } else {
          name = type.equals("page") ? PAGE_EVENT : SCREEN_EVENT;
          metadata = metadata.copy(); // the message's own properties stay as they came
          for (String k : List.of("name", "category")) {
            if (m.getValue(k) instanceof String s && !metadata.containsKey(k)) metadata.put(k, s);
          }
        }
        checkValues("properties", metadata, 0);
        String instance = m.getValue("messageId") == null ? null : Fields.text("messageId", String.valueOf(m.getValue("messageId")), EventRow.MAX_ID);
        String zone = zone(context);
        long time = time(m, batchSentAt, receivedAt);
        EventRow row = new EventRow(contact, time, name, instance, zone, metadata.isEmpty() ? null : metadata.encode());
        return new Parsed(row, new ContactUpsert(contact, null, new JsonObject(), new JsonObject()), null);
      }
      case "identify" -> {
        String contact = contactOf(m, links);
        JsonObject traits = object(m, "traits");
        if (traits.isEmpty() && context.getValue("traits") instanceof JsonObject t) traits = t;
        JsonObject properties = new JsonObject();
        flatten("", traits, properties, 0);
        JsonObject reach = new JsonObject();
        if (traits.getValue("email") instanceof String s) reach.put("email_address", Fields.text("traits.email", s, MAX_TEXT));
        if (traits.getValue("phone") instanceof String s) reach.put("phone_number", Fields.text("traits.phone", s, MAX_TEXT));
        if (context.getValue("device") instanceof JsonObject d && d.getValue("token") instanceof String s && !s.isEmpty()) {
          reach.put("push_token", Fields.text("context.device.token", s, MAX_TEXT));
        }
        String zone = zone(context);
        if (zone != null) reach.put("timezone", zone);
        String country = country(traits, context);
        String[] link = null;
        String user = id(m.getValue("userId")), anon = id(m.getValue("anonymousId"));
        if (user != null && anon != null && !anon.equals(user)) link = new String[] {Fields.text("anonymousId", anon, EventRow.MAX_ID), user};
        return new Parsed(null, new ContactUpsert(contact, country, reach, properties), link);
      }
      case "group" -> {
        String contact = contactOf(m, links);
        String group = id(m.getValue("groupId"));
        if (group == null) throw new RowException("groupId", "is required");
        JsonObject properties = new JsonObject().put("group_id", Fields.text("groupId", group, MAX_TEXT));
        flatten("group_", object(m, "traits"), properties, 0);
        return new Parsed(null, new ContactUpsert(contact, null, new JsonObject(), properties), null);
      }
      case "alias" -> {
        String user = id(m.getValue("userId"));
        String previous = id(m.getValue("previousId"));
        if (user == null) throw new RowException("userId", "is required");
        if (previous == null) throw new RowException("previousId", "is required");
        Fields.text("userId", user, EventRow.MAX_ID);
        Fields.text("previousId", previous, EventRow.MAX_ID);
        return new Parsed(null, null, previous.equals(user) ? null : new String[] {previous, user});
      }
      default -> throw new RowException("type", "must be track, identify, page, screen, group or alias, not '" + Times.abbreviate(type) + "'");
    }
  }

  /** {@code userId}, else the user id the {@code anonymousId} is linked to, else the {@code anonymousId}. */
  private static String contactOf(JsonObject m, Map<String, String> links) throws RowException {
    String user = id(m.getValue("userId"));
    if (user != null) return Fields.text("userId", user, EventRow.MAX_ID);
    String anon = id(m.getValue("anonymousId"));
    if (anon == null) throw new RowException("userId", "userId or anonymousId is required");
    return Fields.text("anonymousId", links.getOrDefault(anon, anon), EventRow.MAX_ID);
  }

  /** A non-empty id: a string, or a number's digits; null otherwise. */
  static String id(Object v) {
    if (v instanceof String s) return s.isEmpty() ? null : s;
    if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) return v.toString();
    return null;
  }

  private static JsonObject object(JsonObject m, String field) throws RowException {
    Object v = m.getValue(field);
    if (v == null) return new JsonObject();
    if (!(v instanceof JsonObject o)) throw new RowException(field, "must be an object");
    return o;
  }

  private static String zone(JsonObject context) throws RowException {
    Object tz = context.getValue("timezone");
    if (tz == null) return null;
    if (!(tz instanceof String s) || !ZONES.contains(s)) throw new RowException("context.timezone", "is not a known IANA time zone: " + Times.abbreviate(String.valueOf(tz)));
    return s;
  }

  private static String country(JsonObject traits, JsonObject context) throws RowException {
    Object c = traits.getValue("country");
    if (!(c instanceof String) && traits.getValue("address") instanceof JsonObject a) c = a.getValue("country");
    if (!(c instanceof String) && context.getValue("location") instanceof JsonObject l) c = l.getValue("country");
    if (c instanceof String s && !s.isBlank()) return Fields.text("country", s.strip(), EventRow.MAX_ID);
    return null;
  }

  /** Segment's clock-skew correction: {@code receivedAt - (sentAt - timestamp)}; else the timestamp; else receivedAt. */
  static long time(JsonObject m, Object batchSentAt, long receivedAt) throws RowException {
    return time(m.getValue("timestamp"), m.getValue("originalTimestamp"), m.getValue("sentAt"), batchSentAt, receivedAt);
  }

  /** {@link #time(JsonObject, Object, long)} of a message's {@code timestamp}, {@code originalTimestamp} and {@code sentAt}. */
  static long time(Object timestamp, Object originalTimestamp, Object sentAt, Object batchSentAt, long receivedAt) throws RowException {
    String field = "timestamp";
    Object ts = timestamp;
    if (ts == null) {
      field = "originalTimestamp";
      ts = originalTimestamp;
    }
    if (ts == null) return receivedAt;
    long t = parseTime(field, ts);
    Object sent = sentAt != null ? sentAt : batchSentAt;
    if (sent != null) t = receivedAt - (parseTime("sentAt", sent) - t);
    if (t < Fields.MIN_TIME) throw new RowException(field, "is before 2000-01-01: " + Times.format(t));
    if (t > receivedAt + Fields.MAX_FUTURE) throw new RowException(field, "is more than 24 hours in the future: " + Times.format(t));
    return t;
  }

  private static long parseTime(String field, Object v) throws RowException {
    try {
      if (v instanceof Number n) return Times.fromNumber(n);
      if (v instanceof String s) return Times.fromText(s);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new RowException(field, e.getMessage());
    }
    throw new RowException(field, "must be an ISO-8601 time");
  }

  /** Traits as scalar properties: nested objects as {@code a.b} keys, arrays as JSON text. */
  private static void flatten(String prefix, JsonObject traits, JsonObject out, int depth) throws RowException {
    if (depth > MAX_DEPTH) throw new RowException(prefix, "is nested too deeply");
    for (Map.Entry<String, Object> e : traits) {
      String key = prefix + e.getKey();
      if (e.getKey().isEmpty() || key.length() > 256 || key.chars().anyMatch(Character::isISOControl)) {
        throw new RowException(key, "is not a usable property name (1-256 printable characters)");
      }
      Object v = e.getValue();
      if (v instanceof JsonObject o) {
        flatten(key + ".", o, out, depth + 1);
      } else if (v instanceof JsonArray a) {
        out.put(key, Fields.text(key, a.encode(), MAX_TEXT));
      } else if (v instanceof String s) {
        out.put(key, Fields.text(key, s, MAX_TEXT));
      } else if (v instanceof Double d && (d.isInfinite() || d.isNaN())) {
        throw new RowException(key, "is out of range");
      } else {
        out.put(key, v);
      }
    }
  }

  private static void checkValues(String field, Object v, int depth) throws RowException {
    if (depth > 64) throw new RowException(field, "is nested more than 64 levels deep");
    if (v instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) checkValues(field, e.getValue(), depth + 1);
    } else if (v instanceof JsonArray a) {
      for (Object x : a) checkValues(field, x, depth + 1);
    } else if (v instanceof String s) {
      if (s.indexOf('\u0000') >= 0) throw new RowException(field, "must not contain the NUL character");
    } else if (v instanceof Double d && (d.isInfinite() || d.isNaN())) {
      throw new RowException(field, "holds a number out of range");
    }
  }
}
