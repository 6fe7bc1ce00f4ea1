package dev.shiftlens.contactview;

import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.stats.GammaLiftBandit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A contact's preferences as {@code GET /v1/contacts/{id}/preferences} shows them. Pure: no I/O,
 * any thread; the randomness of the recommendation comes from the caller.
 *
 * <p>Dimensions: {@code channel}; {@code send_slot}, the local weekday and 3-hour block of the send
 * ({@code mon_09-12}, in the zone the engine read the contact's hours in for that send, else the
 * contact's own, else UTC); and {@code label:<key>} for each label key.
 *
 * <p>Model, per dimension and value {@code v} (see {@link GammaLiftBandit}): over the contact's evaluated
 * sends that are not holdouts with value {@code v}, {@code O} and {@code E} are the sums of the observed and
 * expected counts of their all-events effect ({@code "*"}) in event units. The {@code "*"} counts are
 * reward-weighted, so each send's are divided by its reward per expected event
 * {@code u = E* / E_events}: {@code E*} the weighted expected count of its {@code "*"} effect,
 * {@code E_events} the unweighted sum of the expected counts of the names it shows
 * ({@link ContactViewStore.EvaluatedSend#observedEvents()}). The prior's strength and shrinkage are counted
 * in expected events, and so are {@code O} and {@code E}: multiplying every reward by 100 (dollars
 * to cents) changes nothing here. A send whose {@code E*} or {@code E_events} is at or below 0 has no
 * such {@code u} and carries no information: it counts as a send of its values with 0 observed and 0
 * expected. The {@code observed} and {@code expected} shown per value are these sums in event units.
 * The population's counts are put in event units the same way, send by send
 * ({@code contactview_population_lifts.sql}). The lift
 * {@code lambda_v ~ Gamma(s L_v, s)} a priori, with strength {@code s = 5} (worth 5 expected events, about
 * one send of an active contact) and centre {@code L_v = (20 + O_pop) / (20 + E_pop)}: the population's lift
 * of the value over all contacts' evaluated, delivered sends, itself shrunk toward 1 by 20 expected events
 * so that a value sent a few times does not set a strong centre. Posterior
 * {@code Gamma(s L_v + O, s + E)}; {@code lift} is its mean, {@code prob_best} the share of 1000 joint draws
 * (seeded by the contact id, so the figure is stable between calls; the values the contact has not been
 * sent draw from their prior, with draws made once per population table and shared) in which the value's lift is the
 * largest of its dimension; {@code recommendation} takes one fresh draw per value and the largest wins
 * (Thompson sampling): values that are probably best are chosen most, uncertain ones still explored.
 *
 * <p>Values shown: those the contact has been sent; those the population has been sent at least
 * {@value #MIN_POPULATION_SENDS} times (the {@value #MAX_POPULATION_VALUES} most sent per dimension),
 * which the contact's prior alone describes, so that they get explored; and the channels its reach
 * fields name ({@code push_token}: push, {@code phone_number}: sms, {@code email_address}: email).
 */
final class PreferenceView {
  static final String CHANNEL = "channel";
  static final String SEND_SLOT = "send_slot";
  static final String LABEL = "label:";
  static final double PRIOR_STRENGTH = 5;
  static final double POPULATION_SHRINKAGE = 20;
  static final int MIN_POPULATION_SENDS = 20;
  static final int MAX_POPULATION_VALUES = 60;
  static final int PROB_BEST_DRAWS = 1000;

  private PreferenceView() {}

  /**
   * @param contact the contact's row, or null
   * @param sends its evaluated, delivered sends
   * @param random the source of the recommendation's draws
   */
  static JsonObject of(String contactId, ContactViewStore.Contact contact, List<ContactViewStore.EvaluatedSend> sends,
      PopulationLifts.Table population, RandomGenerator random) {
    String ownZone = contact == null ? null : contact.timezone();
    Map<String, Map<String, PopulationLifts.Tally>> mine = new TreeMap<>(PreferenceView::dimensionOrder);
    for (ContactViewStore.EvaluatedSend s : sends) {
      ZoneId zone = ContactHistory.zoneOf(s.zone(), ownZone);
      ZonedDateTime local = s.sentAt().atZone(zone);
      add(mine, CHANNEL, s.channel(), s);
      add(mine, SEND_SLOT, PopulationLifts.slot(local.getDayOfWeek().getValue(), local.getHour() / 3), s);
      for (Map.Entry<String, Object> label : s.labels()) {
        if (label.getValue() instanceof String v) add(mine, LABEL + label.getKey(), v, s);
      }
    }
    mine.computeIfAbsent(CHANNEL, d -> new LinkedHashMap<>());
    mine.computeIfAbsent(SEND_SLOT, d -> new LinkedHashMap<>());
    population.dimensions().keySet().forEach(dimension -> {
      Map<String, PopulationLifts.Tally> into = mine.computeIfAbsent(dimension, d -> new LinkedHashMap<>());
      shown(population, dimension).values().forEach(v -> into.putIfAbsent(v, new PopulationLifts.Tally(0, 0, 0)));
    });
    if (contact != null) {
      Map<String, PopulationLifts.Tally> channels = mine.get(CHANNEL);
      if (contact.pushToken() != null) channels.putIfAbsent("push", new PopulationLifts.Tally(0, 0, 0));
      if (contact.phoneNumber() != null) channels.putIfAbsent("sms", new PopulationLifts.Tally(0, 0, 0));
      if (contact.emailAddress() != null) channels.putIfAbsent("email", new PopulationLifts.Tally(0, 0, 0));
    }

    SplittableRandom stable = new SplittableRandom(contactId.hashCode() * 0x9E3779B97F4A7C15L);
    JsonObject dimensions = new JsonObject();
    JsonObject recommendation = new JsonObject();
    mine.forEach((dimension, values) -> {
      List<String> names = new ArrayList<>(values.keySet());
      names.sort(null);
      List<GammaLiftBandit.Posterior> posteriors = new ArrayList<>(names.size());
      double[] centres = new double[names.size()];
      double[][] given = new double[names.size()][];
      int[] members = new int[names.size()];
      PopulationLifts.Shown shown = shown(population, dimension);
      for (int i = 0; i < names.size(); i++) {
        centres[i] = centre(population.of(dimension).get(names.get(i)));
        PopulationLifts.Tally own = values.get(names.get(i));
        posteriors.add(GammaLiftBandit.posterior(own.observed(), own.expected(), centres[i], PRIOR_STRENGTH));
        members[i] = own.sends() == 0 ? shown.members().getOrDefault(names.get(i), -1) : -1;
        if (own.sends() == 0 && members[i] < 0) {
          given[i] = population.priorDraws(dimension, names.get(i), centres[i], PRIOR_STRENGTH, PROB_BEST_DRAWS);
        }
      }
      double[] best = GammaLiftBandit.probBest(posteriors, given, members, shown.draws(), PROB_BEST_DRAWS, stable);
      List<JsonObject> rows = new ArrayList<>(names.size());
      for (int i = 0; i < names.size(); i++) {
        PopulationLifts.Tally own = values.get(names.get(i));
        rows.add(new JsonObject()
            .put("value", names.get(i))
            .put("sends", own.sends())
            .put("observed", round(own.observed()))
            .put("expected", round(own.expected()))
            .put("prior_lift", round(centres[i]))
            .put("lift", round(posteriors.get(i).mean()))
            .put("prob_best", round(best[i])));
      }
      rows.sort(Comparator.<JsonObject>comparingDouble(r -> -r.getDouble("prob_best")).thenComparing(r -> r.getString("value")));
      dimensions.put(dimension, new JsonArray(new ArrayList<>(rows)));
      int pick = GammaLiftBandit.thompson(posteriors, random);
      recommendation.put(dimension, pick < 0 ? null : names.get(pick));
    });
    return new JsonObject()
        .put("contact_id", contactId)
        .put("sends", sends.size())
        .put("prior", new JsonObject().put("strength", PRIOR_STRENGTH).put("population_shrinkage", POPULATION_SHRINKAGE))
        .put("dimensions", dimensions)
        .put("recommendation", recommendation);
  }

  /** The prior centre of a value: its population lift, shrunk toward 1; 1 for a value the population has not been sent. */
  private static double centre(PopulationLifts.Tally pop) {
    return pop == null ? 1
        : (POPULATION_SHRINKAGE + Math.max(0, pop.observed())) / (POPULATION_SHRINKAGE + Math.max(0, pop.expected()));
  }

  private static PopulationLifts.Shown shown(PopulationLifts.Table population, String dimension) {
    return population.shown(dimension, MIN_POPULATION_SENDS, MAX_POPULATION_VALUES, PRIOR_STRENGTH, PROB_BEST_DRAWS,
        PreferenceView::centre);
  }

  private static void add(Map<String, Map<String, PopulationLifts.Tally>> into, String dimension, String value,
      ContactViewStore.EvaluatedSend s) {
    into.computeIfAbsent(dimension, d -> new LinkedHashMap<>())
        .merge(value, new PopulationLifts.Tally(1, s.observedEvents(), s.expectedEvents()),
            (a, b) -> a.plus(1, b.observed(), b.expected()));
  }

  /** channel, then send_slot, then the labels by key. */
  private static int dimensionOrder(String a, String b) {
    return Integer.compare(rank(a), rank(b)) != 0 ? Integer.compare(rank(a), rank(b)) : a.compareTo(b);
  }

  private static int rank(String dimension) {
    return CHANNEL.equals(dimension) ? 0 : SEND_SLOT.equals(dimension) ? 1 : 2;
  }

  private static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }
}
