package dev.shiftlens.contactview;

import dev.shiftlens.stats.GammaLiftBandit;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The population's all-events counts, in event units (as {@code contactview_population_lifts.sql} puts
 * them, send by send), per dimension and value (channel, send slot, each label's values) over
 * evaluated, delivered sends: where each contact's preference priors are centred, and
 * which values are worth exploring for a contact that has not been sent them. Read from ClickHouse's
 * mirror of effects at most once per refresh period, in the background; requests in between get the
 * table they find, so no request does work that grows with the population. Thread-safe.
 */
final class PopulationLifts {
  private static final Logger LOG = Logger.getLogger(PopulationLifts.class.getName());
  private static final long RETRY_MS = 30_000;

  /**
   * Leaders kept per draw of the shown values' shared draws: a contact's own data replaces the prior
   * draws of the values it was sent, and past this many of a draw's leaders the draw is read value by value.
   */
  private static final int SHOWN_LEADERS = 4;

  /** A dimension's shown values, most sent first, their members in {@code draws}, and the draws. */
  record Shown(List<String> values, Map<String, Integer> members, GammaLiftBandit.SharedDraws draws) {}

  private static final Shown NONE_SHOWN = new Shown(List.of(), Map.of(), new GammaLiftBandit.SharedDraws(new double[0][], 1));

  /**
   * Counts of one value: its sends and the sums of their "*" observed and expected counts in event units
   * (each send's weighted counts divided by its reward per expected event; see {@link PreferenceView}).
   */
  record Tally(long sends, double observed, double expected) {
    Tally plus(long s, double o, double e) {
      return new Tally(sends + s, observed + o, expected + e);
    }
  }

  /**
   * Per dimension ({@code channel}, {@code send_slot}, {@code label:<key>}), per value, its tally; and
   * the draws of the lifts of values nobody's own data has moved yet (the prior alone), drawn once per
   * value and table and shared by every contact that has not been sent the value, so that a request
   * does not draw a thousand times for each of them.
   */
  record Table(Map<String, Map<String, Tally>> dimensions, Map<String, double[]> priorDraws, Map<String, Shown> shown) {
    static final Table EMPTY = new Table(Map.of());

    Table(Map<String, Map<String, Tally>> dimensions) {
      this(dimensions, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /**
     * The values of a dimension shown to every contact: those sent at least {@code minSends} times, the
     * {@code maxValues} most sent (ties by value); with their prior draws ({@link #priorDraws}, centred on
     * {@code centre} of their tally) shared, so that a contact's {@code prob_best} reads one leader per
     * draw instead of every value's draws. The same on every call.
     */
    Shown shown(String dimension, long minSends, int maxValues, double strength, int n, ToDoubleFunction<Tally> centre) {
      if (!dimensions.containsKey(dimension)) return NONE_SHOWN;
      return shown.computeIfAbsent(dimension, d -> {
        List<String> values = of(d).entrySet().stream()
            .filter(e -> e.getValue().sends() >= minSends)
            .sorted(Map.Entry.<String, Tally>comparingByValue(Comparator.comparingLong(Tally::sends))
                .reversed().thenComparing(Map.Entry.comparingByKey()))
            .limit(maxValues)
            .map(Map.Entry::getKey)
            .toList();
        Map<String, Integer> members = new HashMap<>();
        double[][] draws = new double[values.size()][];
        for (int m = 0; m < values.size(); m++) {
          members.put(values.get(m), m);
          draws[m] = priorDraws(d, values.get(m), centre.applyAsDouble(of(d).get(values.get(m))), strength, n);
        }
        return new Shown(values, members, new GammaLiftBandit.SharedDraws(draws, SHOWN_LEADERS));
      });
    }

    /** {@code n} draws of the prior lift {@code Gamma(strength x centre, strength)} of one value, the same on every call. */
    double[] priorDraws(String dimension, String value, double centre, double strength, int n) {
      return priorDraws.computeIfAbsent(dimension + '\u0000' + value, key -> GammaLiftBandit.draws(
          GammaLiftBandit.posterior(0, 0, centre, strength), n, new SplittableRandom(key.hashCode())));
    }

    Map<String, Tally> of(String dimension) {
      return dimensions.getOrDefault(dimension, Map.of());
    }

    static Table of(List<ContactViewQueries.LiftRow> rows) {
      Map<String, Map<String, Tally>> out = new HashMap<>();
      for (ContactViewQueries.LiftRow r : rows) {
        add(out, PreferenceView.CHANNEL, r.channel(), r);
        if (r.weekday() >= 1 && r.weekday() <= 7 && r.block() >= 0 && r.block() < 8) {
          add(out, PreferenceView.SEND_SLOT, slot(r.weekday(), r.block()), r);
        }
        JsonObject labels;
        try {
          labels = new JsonObject(r.labels());
        } catch (DecodeException | ClassCastException e) {
          continue;
        }
        for (Map.Entry<String, Object> label : labels) {
          if (label.getValue() instanceof String v) add(out, PreferenceView.LABEL + label.getKey(), v, r);
        }
      }
      return new Table(out);
    }

    private static void add(Map<String, Map<String, Tally>> out, String dimension, String value, ContactViewQueries.LiftRow r) {
      out.computeIfAbsent(dimension, d -> new HashMap<>())
          .merge(value, new Tally(r.sends(), r.observed(), r.expected()), (a, b) -> a.plus(b.sends(), b.observed(), b.expected()));
    }
  }

  /** The send slot of a local weekday (1 = Monday) and 3-hour block (0-7): {@code mon_09-12}. */
  static String slot(int weekday, int block) {
    String day = DayOfWeek.of(weekday).getDisplayName(TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT);
    return String.format(Locale.ROOT, "%s_%02d-%02d", day, block * 3, block * 3 + 3);
  }

  private final Callable<List<ContactViewQueries.LiftRow>> read;
  private final java.util.function.Function<Callable<List<ContactViewQueries.LiftRow>>, Future<List<ContactViewQueries.LiftRow>>> onWorker;
  private final long refreshMillis;
  private Table table;
  private long readAt;
  private Future<Table> reading;

  /**
   * @param read the blocking read of the rows
   * @param onWorker runs it off the event loop
   */
  PopulationLifts(Callable<List<ContactViewQueries.LiftRow>> read,
      java.util.function.Function<Callable<List<ContactViewQueries.LiftRow>>, Future<List<ContactViewQueries.LiftRow>>> onWorker,
      long refreshMillis) {
    this.read = read;
    this.onWorker = onWorker;
    this.refreshMillis = refreshMillis;
  }

  /** The table; the first call waits for it, later ones get the current one while a refresh runs. */
  synchronized Future<Table> current() {
    long now = System.currentTimeMillis();
    if (table != null && now - readAt < refreshMillis) return Future.succeededFuture(table);
    if (reading == null) {
      reading = onWorker.apply(read).map(Table::of).recover(e -> {
        // Without the population, priors are centred on 1 until a later read succeeds.
        LOG.log(Level.WARNING, "could not read the population's lifts (tried again in " + RETRY_MS / 1000 + " s): " + e.getMessage());
        return Future.succeededFuture((Table) null);
      }).map(read -> {
        synchronized (this) {
          reading = null;
          if (read != null) {
            table = read;
            readAt = System.currentTimeMillis();
          } else {
            if (table == null) table = Table.EMPTY;
            readAt = System.currentTimeMillis() - refreshMillis + RETRY_MS;
          }
          return table;
        }
      });
    }
    return table != null ? Future.succeededFuture(table) : reading;
  }
}
