package dev.shiftlens.stats;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Which option of one choice (a channel, a send slot, a label value) works best for one contact, and
 * Thompson sampling among the options, on the multiplicative lift of the contact's behavior after a send.
 *
 * <p>Model. For the contact's sends with option {@code v}, send {@code i} has observed count
 * {@code O_i} and expected count {@code E_i} (the contact's own baseline for that window). Given the
 * option's lift {@code lambda_v}, {@code O_i ~ Poisson(lambda_v E_i)}. Prior
 * {@code lambda_v ~ Gamma(s L_v, s)} (shape, rate): mean {@code L_v}, the prior centre, and strength
 * {@code s}, worth {@code s} expected events. Conjugacy gives the posterior
 * {@code lambda_v ~ Gamma(s L_v + sum O_i, s + sum E_i)}, mean {@code (s L_v + sum O) / (s + sum E)}.
 * The strength {@code s} is in expected events, so the counts must be too: reward-weighted counts are
 * to be divided by the reward per expected event first (the caller does, see
 * {@code contactview.PreferenceView}), or the posterior would depend on the units of the rewards. A
 * negative observed sum (negative rewards outweighing the rest) counts as 0, since a lift cannot be negative.
 *
 * <p>{@code prob_best}: the probability that an option's lift is the largest, estimated by Monte
 * Carlo over joint posterior draws. Thompson sampling: one draw per option, the largest wins, so an
 * option is chosen with exactly its {@code prob_best}: options that are probably best are exploited,
 * uncertain ones still get explored.
 *
 * <p>Pure; the randomness comes from the caller's generator, so that a seeded one gives the same
 * answers every time. Draws by Marsaglia and Tsang (2000), with the boost
 * {@code Gamma(a) = Gamma(a + 1) U^(1/a)} for shapes below 1.
 */
public final class GammaLiftBandit {
  private GammaLiftBandit() {}

  /** The posterior of one option's lift: {@code Gamma(shape, rate)}. */
  public record Posterior(double shape, double rate) {
    public Posterior {
      if (!(shape > 0 && rate > 0 && Double.isFinite(shape) && Double.isFinite(rate))) {
        throw new IllegalArgumentException("shape and rate must be positive and finite, got " + shape + " and " + rate);
      }
    }

    public double mean() {
      return shape / rate;
    }
  }

  /**
   * {@code Gamma(s L + max(0, observed), s + expected)}.
   *
   * @param observed sum of {@code O_i} over the option's sends
   * @param expected sum of {@code E_i}, >= 0
   * @param priorLift {@code L}, the prior mean, > 0
   * @param strength {@code s}, the prior's weight in expected events, > 0
   */
  public static Posterior posterior(double observed, double expected, double priorLift, double strength) {
    if (!(priorLift > 0) || !(strength > 0) || !(expected >= 0) || Double.isNaN(observed)) {
      throw new IllegalArgumentException("need priorLift > 0, strength > 0, expected >= 0; got " + priorLift + ", "
          + strength + ", " + expected);
    }
    return new Posterior(strength * priorLift + Math.max(0, observed), strength + expected);
  }

  /**
   * Per option, the share of {@code draws} joint posterior draws in which its lift is the largest.
   * Sums to 1; a single option gets 1.
   */
  public static double[] probBest(List<Posterior> options, int draws, RandomGenerator random) {
    return probBest(options, new double[options.size()][], draws, random);
  }

  /**
   * As {@link #probBest(List, int, RandomGenerator)}, with the draws of some options given:
   * {@code given[i]}, when not null, holds at least {@code draws} draws of option i's lift (drawn once
   * and shared by many calls, e.g. those of a prior nobody's data has moved); the others are drawn here.
   * Options must be independent, so no two may share an array.
   */
  public static double[] probBest(List<Posterior> options, double[][] given, int draws, RandomGenerator random) {
    return probBest(options, given, null, null, draws, random);
  }

  /**
   * Draws shared by many calls of {@link #probBest}: those of a fixed set of options (the members), and
   * per joint draw the {@code k} members with the largest draws, largest first. A call whose options
   * include most members reads, per draw, the first leader it has instead of every member's draw: for
   * sixty members, sixty times less reading. Immutable.
   */
  public static final class SharedDraws {
    private final double[][] draws;
    private final int[][] leaders;

    /** @param draws per member, at least as many draws as the calls will use; not copied, not to be changed */
    public SharedDraws(double[][] draws, int k) {
      if (k < 1) throw new IllegalArgumentException("k must be positive, got " + k);
      this.draws = draws;
      int length = Arrays.stream(draws).mapToInt(d -> d.length).min().orElse(0);
      this.leaders = new int[length][];
      int top = Math.min(k, draws.length);
      for (int d = 0; d < length; d++) {
        int[] lead = new int[top];
        int filled = 0;
        for (int m = 0; m < draws.length; m++) {
          double x = draws[m][d];
          if (filled == top && !(x > draws[lead[top - 1]][d])) continue;
          int at = filled < top ? filled++ : top - 1;
          while (at > 0 && x > draws[lead[at - 1]][d]) {
            lead[at] = lead[at - 1];
            at--;
          }
          lead[at] = m;
        }
        leaders[d] = lead;
      }
    }

    public int size() {
      return draws.length;
    }

    /** Member {@code m}'s draws. */
    public double[] draws(int m) {
      return draws[m];
    }
  }

  /**
   * As {@link #probBest(List, double[][], int, RandomGenerator)}, with some options' draws taken from
   * {@code shared}: {@code members[i]}, when not negative, is the member whose draws option i has (no two
   * options the same member); members that are none of the options take no part. Gives what the call
   * with every option's draws given one by one gives (up to ties between draws).
   */
  public static double[] probBest(List<Posterior> options, double[][] given, int[] members, SharedDraws shared, int draws,
      RandomGenerator random) {
    int n = options.size();
    double[] best = new double[n];
    if (n == 0) return best;
    if (n == 1) {
      best[0] = 1;
      return best;
    }
    if (draws <= 0) throw new IllegalArgumentException("draws must be positive, got " + draws);
    for (double[] g : given) {
      if (g != null && g.length < draws) throw new IllegalArgumentException("given draws are fewer than " + draws);
    }
    int[] optionOf = null;
    int covered = 0;
    if (shared != null) {
      optionOf = new int[shared.size()];
      Arrays.fill(optionOf, -1);
      for (int i = 0; i < n; i++) {
        if (members[i] < 0) continue;
        if (optionOf[members[i]] >= 0) throw new IllegalArgumentException("two options share member " + members[i]);
        optionOf[members[i]] = i;
        covered++;
      }
      if (covered > 0 && shared.leaders.length < draws) throw new IllegalArgumentException("shared draws are fewer than " + draws);
    }
    // Per joint draw, the largest lift so far and its option: first the shared members' leader, then the
    // other options one by one, each array read straight through.
    double[] max = new double[draws];
    int[] arg = new int[draws];
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    if (covered > 0) {
      for (int d = 0; d < draws; d++) {
        int lead = -1;
        for (int m : shared.leaders[d]) {
          if (optionOf[m] >= 0) {
            lead = m;
            break;
          }
        }
        if (lead < 0) { // every leader of this draw is left out: the others, one by one
          for (int m = 0; m < optionOf.length; m++) {
            if (optionOf[m] >= 0 && (lead < 0 || shared.draws[m][d] > shared.draws[lead][d])) lead = m;
          }
        }
        max[d] = shared.draws[lead][d];
        arg[d] = optionOf[lead];
      }
    }
    double[] fresh = new double[draws];
    for (int i = 0; i < n; i++) {
      if (members != null && members[i] >= 0) continue;
      double[] g = given[i];
      if (g == null) {
        Posterior p = options.get(i);
        for (int d = 0; d < draws; d++) fresh[d] = draw(p, random);
        g = fresh;
      }
      // Without branches: which option leads a draw is as good as random to the branch predictor.
      for (int d = 0; d < draws; d++) {
        double x = g[d];
        boolean leads = x > max[d];
        max[d] = leads ? x : max[d];
        arg[d] = leads ? i : arg[d];
      }
    }
    int[] wins = new int[n];
    for (int d = 0; d < draws; d++) wins[arg[d]]++;
    for (int i = 0; i < n; i++) best[i] = (double) wins[i] / draws;
    return best;
  }

  /** Thompson sampling: the index of the option whose single posterior draw is the largest; -1 when there is none. */
  public static int thompson(List<Posterior> options, RandomGenerator random) {
    return options.isEmpty() ? -1 : argmaxDraw(options, random);
  }

  /** {@code draws} independent draws of the lift. */
  public static double[] draws(Posterior posterior, int draws, RandomGenerator random) {
    double[] out = new double[draws];
    for (int d = 0; d < draws; d++) out[d] = draw(posterior, random);
    return out;
  }

  private static double draw(Posterior p, RandomGenerator random) {
    return gamma(p.shape(), random) / p.rate();
  }

  private static int argmaxDraw(List<Posterior> options, RandomGenerator random) {
    int arg = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < options.size(); i++) {
      Posterior p = options.get(i);
      double x = gamma(p.shape(), random) / p.rate();
      if (x > max) {
        max = x;
        arg = i;
      }
    }
    return arg;
  }

  /**
   * A draw from {@code Gamma(shape, 1)}. Marsaglia-Tsang: {@code d = a - 1/3}, {@code c = 1/sqrt(9d)};
   * repeat {@code x ~ N(0,1)}, {@code v = (1 + c x)^3} until {@code v > 0} and
   * {@code ln U < x^2/2 + d - d v + d ln v}; return {@code d v}.
   */
  public static double gamma(double shape, RandomGenerator random) {
    if (shape < 1) {
      double u = random.nextDouble();
      return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = random.nextDouble();
      double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }
}
