package dev.marginal.estimators;

import dev.marginal.autodiff.Tape;
import dev.marginal.config.WorkProgress;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.math.MeanEstimate;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/**
 * Bidirectional Monte Carlo on data simulated from the model itself: for pairs (z_i, x_i) with z_i ~ p(z) and
 * x_i ~ p(x|z_i), z_i is an exact sample of p(z|x_i), so reverse {@link Ais} started there gives a stochastic upper
 * bound on log p(x_i) while forward AIS gives a lower bound. The mean log p(x) over the simulated points lies between
 * the two means (each in expectation); how far IWAE_K and SUMO fall from that bracket is their error on this model.
 *
 * <p>References: Grosse, Ghahramani, Adams, "Sandwiching the marginal likelihood using bidirectional Monte Carlo",
 * 2015; Wu, Burda, Salakhutdinov, Grosse, "On the quantitative analysis of decoder-based generative models", ICLR
 * 2017.
 */
public final class BidirectionalMonteCarlo {
  /** The default number of AIS intermediate distributions. */
  public static final int DEFAULT_STEPS = 200;

  private BidirectionalMonteCarlo() {}

  /**
   * Means over the simulated points, each with its standard error over points (sd/√n), in nats of the space the
   * points are given in ({@link #run}: the model's own; see {@link #plus} for data units).
   *
   * @param points n
   * @param aisLower forward AIS, a stochastic lower bound of the mean log p(x)
   * @param aisUpper reverse AIS from the generating z, a stochastic upper bound
   * @param iwae IWAE_K with the model's proposal
   * @param sumo SUMO with the model's proposal (unbiased)
   * @param iwaeK K
   */
  public record Report(int points, double aisLower, double aisLowerSe, double aisUpper, double aisUpperSe,
      double iwae, double iwaeSe, double sumo, double sumoSe, int iwaeK) {
    /**
     * The older name of {@code bdmc_iwae_K_se} in {@link #toMap()}, kept beside it for readers of earlier reports.
     */
    public static final String IWAE_SE_ALIAS = "bdmc_iwae_se";

    /**
     * The same report with every mean (both AIS bounds, IWAE_K, SUMO) plus {@code logJacobian}, standard errors as
     * they are: the change of variables from the space the points were simulated in to the data's units, the same
     * for every point (a standardization's −Σ_j log sd_j). The gaps of {@link #toMap()} are differences of two
     * means, so the shift cancels in them (to rounding). {@code this} itself for a shift of 0.
     */
    public Report plus(double logJacobian) {
      if (logJacobian == 0) {
        return this;
      }
      return new Report(points, aisLower + logJacobian, aisLowerSe, aisUpper + logJacobian, aisUpperSe,
          iwae + logJacobian, iwaeSe, sumo + logJacobian, sumoSe, iwaeK);
    }

    /**
     * As report fields: each mean {@code x} followed by its standard error {@code x_se} ({@code bdmc_iwae_K},
     * {@code bdmc_iwae_K_se}, and {@link #IWAE_SE_ALIAS} with the same value), then the two gaps.
     */
    public java.util.Map<String, Object> toMap() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("bdmc_points", points);
      m.put("bdmc_ais_lower", aisLower);
      m.put("bdmc_ais_lower_se", aisLowerSe);
      m.put("bdmc_ais_upper", aisUpper);
      m.put("bdmc_ais_upper_se", aisUpperSe);
      m.put("bdmc_iwae_" + iwaeK, iwae);
      m.put("bdmc_iwae_" + iwaeK + "_se", iwaeSe);
      m.put(IWAE_SE_ALIAS, iwaeSe);
      m.put("bdmc_sumo", sumo);
      m.put("bdmc_sumo_se", sumoSe);
      m.put("bdmc_iwae_below_ais_lower", aisLower - iwae);
      m.put("bdmc_sumo_minus_midpoint", sumo - 0.5 * (aisLower + aisUpper));
      return m;
    }
  }

  /**
   * Runs both AIS directions and the two estimators on the same simulated points.
   *
   * @param x simulated observations, shape {@code [n, D]}
   * @param z the latents that generated them, shape {@code [n, d]}
   * @param q the model's proposal for x, shape {@code [n, d]} (also AIS's initial distribution)
   */
  public static Report run(LatentVariableModel model, Tensor x, Tensor z, DiagNormal q, Ais ais, int iwaeK,
      int sumoMinTerms, RngKey key) {
    return run(model, x, z, q, ais, iwaeK, sumoMinTerms, key, WorkProgress.silent());
  }

  /**
   * {@link #run(LatentVariableModel, Tensor, Tensor, DiagNormal, Ais, int, int, RngKey)}, the same report bit for
   * bit, reporting to {@code progress} on the calling thread after each annealing step of both AIS runs and after
   * IWAE_K and SUMO, chunk by chunk, in model evaluations: {@link #work} in all. The estimate is NaN.
   */
  public static Report run(LatentVariableModel model, Tensor x, Tensor z, DiagNormal q, Ais ais, int iwaeK,
      int sumoMinTerms, RngKey key, WorkProgress progress) {
    java.util.Objects.requireNonNull(progress, "progress");
    int n = x.dim(0);
    long total = work(n, ais, iwaeK, sumoMinTerms);
    long[] done = {0};
    long sumoUnits = sumoUnits(sumoMinTerms);
    double[] lower = new double[n];
    double[] upper = new double[n];
    double[] iwae = new double[n];
    double[] sumo = new double[n];
    // Points in chunks of at most 2¹⁶ model rows per pass (K importance samples or C chains per point).
    int chunk = Math.max(1, (1 << 16) / Math.max(iwaeK, ais.chains()));
    for (int start = 0; start < n; start += chunk) {
      int b = Math.min(chunk, n - start);
      Tensor xb = x.slice(0, start, start + b);
      Tensor zb = z.slice(0, start, start + b);
      Tape tape = new Tape();
      DiagNormal qb = DiagNormal.ofLogScale(tape.constant(q.loc().value().slice(0, start, start + b)),
          tape.constant(q.logScale().value().slice(0, start, start + b)));
      RngKey k = key.foldIn(start);
      long before = done[0];
      WorkProgress forward = (d, t, e) -> progress.update(done[0] = before + d, total, Double.NaN);
      System.arraycopy(ais.forward(model, xb, qb, k.foldIn(0), forward).logMarginal(), 0, lower, start, b);
      long between = done[0];
      WorkProgress reverse = (d, t, e) -> progress.update(done[0] = between + d, total, Double.NaN);
      System.arraycopy(ais.reverse(model, xb, qb, zb, k.foldIn(1), reverse).logMarginal(), 0, upper, start, b);
      System.arraycopy(Iwae.of(iwaeK).estimate(model, xb, qb, k.foldIn(2), 1).mean(), 0, iwae, start, b);
      progress.update(done[0] += (long) b * iwaeK, total, Double.NaN);
      System.arraycopy(Sumo.of(sumoMinTerms).estimate(model, xb, qb, k.foldIn(3), 1).mean(), 0, sumo, start, b);
      progress.update(done[0] += b * sumoUnits, total, Double.NaN);
    }
    return new Report(n, mean(lower), se(lower), mean(upper), se(upper), mean(iwae), se(iwae), mean(sumo),
        se(sumo), iwaeK);
  }

  /**
   * The units of work of {@link #run} on {@code n} points, as it reports them: a model evaluation (with its
   * gradient, in AIS) for one point, {@link Ais#work} per point in each direction, plus K for IWAE_K and SUMO's
   * expected number of samples per point, rounded up.
   */
  public static long work(long n, Ais ais, int iwaeK, int sumoMinTerms) {
    return 2 * ais.work(n) + n * iwaeK + n * sumoUnits(sumoMinTerms);
  }

  private static long sumoUnits(int minTerms) {
    return (long) Math.ceil(Sumo.of(minTerms).expectedSamplesPerPoint());
  }

  private static double mean(double[] v) {
    return MeanEstimate.mean(v);
  }

  /** The standard error of the mean over points; NaN for a single point (no spread to measure). */
  private static double se(double[] v) {
    return MeanEstimate.standardError(v);
  }
}
