package dev.marginal.train;

import dev.marginal.estimators.DiagnosticsSummary;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
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
 * infinities as the strings {@code "Infinity"} and {@code "-Infinity"}). The log weights of its log Z estimate
 * ({@link LogZEstimate#logWeights()}, 20,000 by default) are a float64 tensor each, {@value #LOG_WEIGHTS_PREFIX}
 * followed by the evaluation's position, {@code [draws, 2]}: each log weight's IEEE-754 bits as two whole numbers,
 * its high and its low 32 bits, since a log weight may be −∞ or NaN (a draw where the target's density is zero or
 * undefined), which a model file's tensors may not hold. A checkpoint written before they were kept restores its
 * evaluations without them (an empty {@link LogZEstimate#logWeights()}, its {@link LogZEstimate#draws()} kept).
 */
record ReverseKlHistory(float[] losses, List<SurrogateMetrics> evaluations, List<String> warnings) {
  static final ReverseKlHistory EMPTY = new ReverseKlHistory(new float[0], List.of(), List.of());
  static final String EVALUATIONS = "evaluations";
  static final String WARNINGS = "warnings";
  /** The name of an evaluation's log Z weights in a checkpoint, before the evaluation's position (0 first). */
  static final String LOG_WEIGHTS_PREFIX = "history/logZWeights/";
  /** 2³², one more than the largest half of a log weight's bits. */
  private static final double HALF_RANGE = 4294967296.0;

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
   * The evaluations' log Z weights as checkpoint tensors (see the class doc), by name; an evaluation restored without
   * them has none.
   */
  Map<String, ModelFile.Float64> logWeightTensors() {
    Map<String, ModelFile.Float64> m = new LinkedHashMap<>();
    for (int i = 0; i < evaluations.size(); i++) {
      double[] w = evaluations.get(i).checks().logZ().logWeights();
      if (w.length == 0) {
        continue;
      }
      double[] bits = new double[2 * w.length];
      for (int j = 0; j < w.length; j++) {
        long b = Double.doubleToRawLongBits(w[j]);
        bits[2 * j] = b >>> 32;
        bits[2 * j + 1] = b & 0xFFFFFFFFL;
      }
      m.put(LOG_WEIGHTS_PREFIX + i, new ModelFile.Float64(bits, new int[] {w.length, 2}));
    }
    return m;
  }

  /**
   * The history a checkpoint at step {@code step} recorded: empty when {@code training} holds none (a checkpoint
   * written before checkpoints kept it).
   *
   * @param losses the checkpoint's loss tensor, or null when it has none (a run of no steps)
   * @param float64 the checkpoint's float64 tensors, among them the evaluations' log Z weights
   *     ({@link #logWeightTensors()}); an evaluation without them is restored without log weights
   * @throws IllegalArgumentException if the history is malformed or does not belong to step {@code step}: not one
   *     loss per step, evaluations not at increasing steps from 1 to {@code step}, or log weights that are not one
   *     pair of 32-bit halves per draw of an evaluation the history holds
   */
  static ReverseKlHistory fromCheckpoint(Map<?, ?> training, float[] losses, Map<String, ModelFile.Float64> float64,
      long step) {
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
    withLogWeights(evals, float64);
    List<String> warnings = new ArrayList<>();
    Object saved = training.get(WARNINGS);
    for (Object o : list(saved == null ? List.of() : saved, WARNINGS)) {
      warnings.add(String.valueOf(o));
    }
    return new ReverseKlHistory(l, evals, warnings);
  }

  /** Puts each evaluation's log Z weights from {@code float64} into it, checked as {@link #fromCheckpoint} says. */
  private static void withLogWeights(List<SurrogateMetrics> evals, Map<String, ModelFile.Float64> float64) {
    for (Map.Entry<String, ModelFile.Float64> t : float64.entrySet()) {
      if (!t.getKey().startsWith(LOG_WEIGHTS_PREFIX)) {
        continue;
      }
      String position = t.getKey().substring(LOG_WEIGHTS_PREFIX.length());
      int i = position.matches("0|[1-9][0-9]{0,8}") ? Integer.parseInt(position) : -1;
      if (i < 0 || i >= evals.size()) {
        throw bad("logZWeights", "has a tensor " + Untrusted.quoted(t.getKey()) + " for none of its "
            + evals.size() + " evaluations");
      }
      SurrogateMetrics m = evals.get(i);
      LogZEstimate z = m.checks().logZ();
      double[] w = logWeights(t.getValue(), z.draws(), t.getKey());
      SamplerChecks c = m.checks();
      SamplerChecks checks = new SamplerChecks(new LogZEstimate(z.logZ(), z.logZSe(), z.ess(), z.paretoK(), w,
          z.draws()), c.targetLogZ(), c.forwardLogQ(), c.forwardLogQSe(), c.forwardKl(), c.modesCovered(),
          c.modes(), c.outsideSupport());
      evals.set(i, new SurrogateMetrics(m.step(), m.klIwae(), m.klIwaeSe(), m.klSumo(), m.klSumoSe(),
          m.crossEntropy(), m.crossEntropySe(), m.targetEntropy(), m.w1(), m.hardMass(), m.targetHardMass(),
          m.normalized(), checks, m.iwaeDiagnostics()));
    }
  }

  /**
   * The log weights a tensor {@code [draws, 2]} of 32-bit halves holds. Its shape is checked against the
   * evaluation's draws before anything is allocated for them: the tensor, read within the heap's bounds, is no
   * larger than the file declares.
   */
  private static double[] logWeights(ModelFile.Float64 t, int draws, String name) {
    int[] shape = t.shape();
    if (shape.length != 2 || shape[0] != draws || shape[1] != 2) {
      throw bad("logZWeights", "tensor " + Untrusted.quoted(name) + " must have shape [" + draws + ", 2] (one pair "
          + "per draw of its evaluation), got " + java.util.Arrays.toString(shape));
    }
    double[] bits = t.values();
    double[] w = new double[draws];
    for (int j = 0; j < draws; j++) {
      double high = bits[2 * j];
      double low = bits[2 * j + 1];
      if (!isHalf(high) || !isHalf(low)) {
        throw bad("logZWeights", "tensor " + Untrusted.quoted(name) + " must hold whole numbers from 0 to 2^32 - 1, "
            + "got " + (isHalf(high) ? low : high) + " in row " + j);
      }
      w[j] = Double.longBitsToDouble((long) high << 32 | (long) low);
    }
    return w;
  }

  private static boolean isHalf(double v) {
    return v >= 0 && v < HALF_RANGE && v == Math.rint(v);
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
