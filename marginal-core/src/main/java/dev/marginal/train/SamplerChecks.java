package dev.marginal.train;

import dev.marginal.autodiff.Tape;
import dev.marginal.estimators.Iwae;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Modes;
import dev.marginal.targets.Support;
import dev.marginal.targets.SupportBijection;
import dev.marginal.targets.Target;
import dev.marginal.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks of a surrogate sampler that reverse KL does not see: the target's log Z estimated with the surrogate as
 * importance proposal ({@link LogZEstimate}), and, where the target has an exact sampler, forward checks on exact
 * samples x ~ p:
 *
 * <ul>
 *   <li>{@code forwardLogQ}: E_p[log q(x)], with log q estimated by IWAE_K (a lower bound, so this is biased low).
 *       A surrogate that misses a mode gives exact samples there a very small q, so this falls sharply; with the
 *       target's entropy H known, {@code forwardKl} = −H − E_p[log q̂] estimates KL(p ‖ q) (biased high), with
 *       {@code forwardLogQ}'s standard error ({@link #forwardKlSe()}: H is exact).</li>
 *   <li>{@code modesCovered}: for targets that declare {@link Modes}, the fraction of modes holding at least
 *       {@link Modes#DEFAULT_MIN_FRACTION} of their target weight among the surrogate's samples.</li>
 *   <li>{@code outsideSupport}: the fraction of the surrogate's samples outside the target's declared support
 *       (zero by construction for a support-aware surrogate).</li>
 * </ul>
 *
 * Values that do not apply are NaN.
 */
public record SamplerChecks(LogZEstimate logZ, double targetLogZ, double forwardLogQ, double forwardLogQSe,
    double forwardKl, double modesCovered, int modes, double outsideSupport) {
  /** At most this many importance samples per exact sample for log q, to bound the cost of the forward check. */
  public static final int MAX_FORWARD_K = 1000;

  /**
   * The standard error of {@link #forwardKl()}: that of {@link #forwardLogQ()}, since the entropy it is subtracted
   * from is exact; NaN where the forward KL is.
   */
  public double forwardKlSe() {
    return Double.isNaN(forwardKl) ? Double.NaN : forwardLogQSe;
  }

  /**
   * Runs the checks.
   *
   * @param samples the surrogate's samples on the target's support, {@code [n, dim]}
   * @param logZSamples draws for the log Z estimate
   * @param forwardSamples exact samples for the forward checks
   * @param iwaeK importance samples per point for log q on exact samples (at most {@link #MAX_FORWARD_K} are used)
   */
  public static SamplerChecks evaluate(DeepLvm surrogate, Target target, Tensor samples, int logZSamples,
      int forwardSamples, int iwaeK, RngKey key) {
    LogZEstimate logZ = LogZEstimate.of(surrogate, target, logZSamples, key.foldIn(0));
    double forward = Double.NaN;
    double forwardSe = Double.NaN;
    double forwardKl = Double.NaN;
    if (target.hasSampler()) {
      double[] logQ = logQOnExactSamples(surrogate, target, forwardSamples, Math.min(iwaeK, MAX_FORWARD_K),
          key.foldIn(1));
      forward = SurrogateMetrics.mean(logQ);
      forwardSe = SurrogateMetrics.se(logQ);
      if (target.entropy().isPresent()) {
        forwardKl = -target.entropy().getAsDouble() - forward;
      }
    }
    double covered = Double.NaN;
    int modes = 0;
    if (target.modes().isPresent()) {
      Modes m = target.modes().get();
      covered = m.fractionCovered(samples, Modes.DEFAULT_MIN_FRACTION);
      modes = m.count();
    }
    return new SamplerChecks(logZ, target.logZ().orElse(Double.NaN), forward, forwardSe, forwardKl, covered, modes,
        target.support().fractionOutside(samples));
  }

  /**
   * log q_X(x) = log q_Y(T⁻¹(x)) − log |det J_T(T⁻¹(x))| on exact samples, with log q_Y by IWAE_K.
   */
  static double[] logQOnExactSamples(DeepLvm surrogate, Target target, int n, int iwaeK, RngKey key) {
    Tensor x = target.sample(key.foldIn(0), n);
    Support support = target.support();
    if (support.isReal()) {
      return SurrogateMetrics.logQ(surrogate, x, Iwae.of(iwaeK), key.foldIn(1));
    }
    SupportBijection t = support.bijection();
    Tensor y = t.inverse(x);
    double[] logQ = SurrogateMetrics.logQ(surrogate, y, Iwae.of(iwaeK), key.foldIn(1));
    float[] logDet = t.logAbsDetJacobian(Tape.forEvaluation().constant(y)).value().buffer();
    for (int i = 0; i < logQ.length; i++) {
      logQ[i] -= logDet[i];
    }
    return logQ;
  }

  /** As a JSON-ready map (NaN as null). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("logZ", orNull(logZ.logZ()));
    m.put("logZSe", orNull(logZ.logZSe()));
    m.put("logZEss", orNull(logZ.ess()));
    m.put("logZParetoK", orNull(logZ.paretoK()));
    m.put("logZDraws", logZ.size());
    m.put("targetLogZ", orNull(targetLogZ));
    m.put("forwardLogQ", orNull(forwardLogQ));
    m.put("forwardLogQSe", orNull(forwardLogQSe));
    m.put("forwardKl", orNull(forwardKl));
    m.put("forwardKlSe", orNull(forwardKlSe()));
    m.put("modesCovered", orNull(modesCovered));
    m.put("modes", modes);
    m.put("outsideSupport", orNull(outsideSupport));
    return m;
  }

  private static Object orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
