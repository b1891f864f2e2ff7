package dev.marginal.train;

import dev.marginal.estimators.DiagnosticsSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reverse-KL run has recorded so far: the loss at every step, the metrics of every evaluation and the
 * warnings raised. Checkpoints carry it ({@link LvmCheckpoint}), so that a resumed run reports the whole run and not
 * only the steps after the resume.
 *
 * <p>In a checkpoint the evaluations and warnings are JSON under {@code provenance.training} and the losses a
 * tensor. Every number of an evaluation is kept exactly (finite doubles by their shortest decimal, NaN as null,
 * infinities as the strings {@code "Infinity"} and {@code "-Infinity"}), except the individual log weights of its
 * log Z estimate, of which only the number is kept ({@link LogZEstimate#draws()}): they would make every checkpoint
 * tens of thousands of numbers longer per evaluation.
 */
record ReverseKlHistory(float[] losses, List<SurrogateMetrics> evaluations, List<String> warnings) {
  static final ReverseKlHistory EMPTY = new ReverseKlHistory(new float[0], List.of(), List.of());
  static final String EVALUATIONS = "evaluations";
  static final String WARNINGS = "warnings";

  ReverseKlHistory {
    losses = losses.clone();
    evaluations = List.copyOf(evaluations);
    warnings = List.copyOf(warnings);
  }

  @Override
  public float[] losses() {
    return losses.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReverseKlHistory h && Arrays.equals(h.losses, losses) && h.evaluations.equals(evaluations)
        && h.warnings.equals(warnings);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(Arrays.hashCode(losses), evaluations, warnings);
  }

  @Override
  public String toString() {
    return "ReverseKlHistory[" + losses.length + " losses, " + evaluations.size() + " evaluations, " + warnings
        + "]";
  }

  /** The evaluations and warnings as entries of {@code provenance.training} (the losses go in a tensor). */
  Map<String, Object> toTraining() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> evals = new ArrayList<>(evaluations.size());
    evaluations.forEach(e -> evals.add(toMap(e)));
    m.put(EVALUATIONS, evals);
    m.put(WARNINGS, warnings);
    return m;
  }

  /**
   * The history a checkpoint at step {@code step} recorded: empty when {@code training} holds none (a checkpoint
   * written before checkpoints kept it).
   *
   * @param losses the checkpoint's loss tensor, or null when it has none (a run of no steps)
   * @throws IllegalArgumentException if the history is malformed or does not belong to step {@code step}: not one
   *     loss per step, or evaluations not at increasing steps from 1 to {@code step}
   */
  static ReverseKlHistory fromCheckpoint(Map<?, ?> training, float[] losses, long step) {
    if (!training.containsKey(EVALUATIONS)) {
      return EMPTY;
    }
    float[] l = losses == null ? new float[0] : losses;
    if (l.length != step) {
      throw new IllegalArgumentException("the checkpoint is at step " + step + " but holds " + l.length
          + " training losses");
    }
    List<SurrogateMetrics> evals = new ArrayList<>();
    long last = 0;
    for (Object o : list(training.get(EVALUATIONS), EVALUATIONS)) {
      if (!(o instanceof Map<?, ?> m)) {
        throw bad(EVALUATIONS, "must hold objects");
      }
      SurrogateMetrics e = fromMap(m);
      if (e.step() <= last || e.step() > step) {
        throw bad(EVALUATIONS, "has an evaluation at step " + e.step() + " after step " + last + " in a run at step "
            + step);
      }
      last = e.step();
      evals.add(e);
    }
    List<String> warnings = new ArrayList<>();
    Object saved = training.get(WARNINGS);
    for (Object o : list(saved == null ? List.of() : saved, WARNINGS)) {
      warnings.add(String.valueOf(o));
    }
    return new ReverseKlHistory(l, evals, warnings);
  }

  private static Map<String, Object> toMap(SurrogateMetrics e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", e.step());
    m.put("klIwae", exact(e.klIwae()));
    m.put("klIwaeSe", exact(e.klIwaeSe()));
    m.put("klSumo", exact(e.klSumo()));
    m.put("klSumoSe", exact(e.klSumoSe()));
    m.put("crossEntropy", exact(e.crossEntropy()));
    m.put("crossEntropySe", exact(e.crossEntropySe()));
    m.put("targetEntropy", exact(e.targetEntropy()));
    m.put("w1", Arrays.stream(e.w1()).mapToObj(ReverseKlHistory::exact).toList());
    m.put("hardMass", exact(e.hardMass()));
    m.put("targetHardMass", exact(e.targetHardMass()));
    m.put("normalized", e.normalized());
    SamplerChecks c = e.checks();
    LogZEstimate z = c.logZ();
    m.put("logZ", Arrays.asList(exact(z.logZ()), exact(z.logZSe()), exact(z.ess()), exact(z.paretoK()),
        (long) z.draws()));
    m.put("checks", Arrays.asList(exact(c.targetLogZ()), exact(c.forwardLogQ()), exact(c.forwardLogQSe()),
        exact(c.forwardKl()), exact(c.modesCovered()), (long) c.modes(), exact(c.outsideSupport())));
    DiagnosticsSummary d = e.iwaeDiagnostics();
    m.put("iwaeDiagnostics", Arrays.asList((long) d.rows(), (long) d.numSamples(), exact(d.meanEss()),
        exact(d.minEss()), exact(d.medianK()), exact(d.maxK()), (long) d.rowsAboveThreshold()));
    return m;
  }

  private static SurrogateMetrics fromMap(Map<?, ?> m) {
    List<?> z = fixed(m, "logZ", 5);
    List<?> c = fixed(m, "checks", 7);
    List<?> d = fixed(m, "iwaeDiagnostics", 7);
    LogZEstimate logZ = new LogZEstimate(num(z.get(0)), num(z.get(1)), num(z.get(2)), num(z.get(3)), new double[0],
        count(z.get(4)));
    SamplerChecks checks = new SamplerChecks(logZ, num(c.get(0)), num(c.get(1)), num(c.get(2)), num(c.get(3)),
        num(c.get(4)), count(c.get(5)), num(c.get(6)));
    DiagnosticsSummary diagnostics = new DiagnosticsSummary(count(d.get(0)), count(d.get(1)), num(d.get(2)),
        num(d.get(3)), num(d.get(4)), num(d.get(5)), count(d.get(6)));
    double[] w1 = list(m.get("w1"), "w1").stream().mapToDouble(ReverseKlHistory::num).toArray();
    if (!(m.get("normalized") instanceof Boolean normalized)) {
      throw bad("normalized", "must be true or false");
    }
    return new SurrogateMetrics(count(m.get("step")), num(m.get("klIwae")), num(m.get("klIwaeSe")),
        num(m.get("klSumo")), num(m.get("klSumoSe")), num(m.get("crossEntropy")), num(m.get("crossEntropySe")),
        num(m.get("targetEntropy")), w1, num(m.get("hardMass")), num(m.get("targetHardMass")), normalized, checks,
        diagnostics);
  }

  /** A double as JSON that reads back to the same value: NaN as null, infinities as strings. */
  private static Object exact(double v) {
    return Double.isNaN(v) ? null : Double.isInfinite(v) ? (v > 0 ? "Infinity" : "-Infinity") : (Object) v;
  }

  private static double num(Object v) {
    if (v == null) {
      return Double.NaN;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if ("Infinity".equals(v) || "-Infinity".equals(v)) {
      return Double.parseDouble((String) v);
    }
    throw bad(EVALUATIONS, "must hold numbers, got " + dev.marginal.io.Untrusted.quoted(String.valueOf(v)));
  }

  private static int count(Object v) {
    if (!(v instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
      throw bad(EVALUATIONS, "must hold counts from 0 to " + Integer.MAX_VALUE + ", got "
          + dev.marginal.io.Untrusted.quoted(String.valueOf(v)));
    }
    return (int) (long) n;
  }

  private static List<?> fixed(Map<?, ?> m, String key, int size) {
    List<?> l = list(m.get(key), key);
    if (l.size() != size) {
      throw bad(key, "must hold " + size + " values, got " + l.size());
    }
    return l;
  }

  private static List<?> list(Object v, String key) {
    if (!(v instanceof List<?> l)) {
      throw bad(key, "must be a list");
    }
    return l;
  }

  private static IllegalArgumentException bad(String key, String problem) {
    return new IllegalArgumentException("the checkpoint's training history '" + key + "' " + problem);
  }
}
