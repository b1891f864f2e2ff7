package dev.marginal.train;

import dev.marginal.io.JsonFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training run stands: counters, per-epoch history, early-stopping bookkeeping and how it ended. Immutable;
 * saved in checkpoints so that a resumed run continues from the same place.
 *
 * @param epoch the current (zero-based) epoch
 * @param stepInEpoch batches already done in the current epoch
 * @param step optimisation steps done in total
 * @param history one record per finished epoch
 * @param bestValidation the best validation objective so far (NaN if none)
 * @param epochsSinceBest epochs since it improved
 * @param status how the run stands
 * @param message why it stopped, for diverged and early-stopped runs
 */
public record TrainingState(int epoch, int stepInEpoch, long step, List<EpochRecord> history, double bestValidation,
    int epochsSinceBest, Status status, String message) {

  /** How a run stands. */
  public enum Status { RUNNING, COMPLETED, EARLY_STOPPED, INTERRUPTED, DIVERGED }

  /** What messages call the state read from a file. */
  private static final String STATE = "training state";

  /** The training and validation objective (mean nats per example) of one epoch. */
  public record EpochRecord(int epoch, long step, double train, double validation) {}

  public TrainingState {
    history = List.copyOf(history);
  }

  static TrainingState start() {
    return new TrainingState(0, 0, 0, List.of(), Double.NaN, 0, Status.RUNNING, "");
  }

  TrainingState afterStep() {
    return new TrainingState(epoch, stepInEpoch + 1, step + 1, history, bestValidation, epochsSinceBest, status,
        message);
  }

  /** Closes an epoch; stops early when validation has not improved for {@code patience} epochs (0 = never). */
  TrainingState afterEpoch(double train, double validation, int patience) {
    List<EpochRecord> h = new ArrayList<>(history);
    h.add(new EpochRecord(epoch, step, train, validation));
    boolean improved = !Double.isNaN(validation) && (Double.isNaN(bestValidation) || validation > bestValidation);
    double best = improved ? validation : bestValidation;
    int since = improved ? 0 : epochsSinceBest + 1;
    boolean stop = patience > 0 && !Double.isNaN(validation) && since >= patience;
    return new TrainingState(epoch + 1, 0, step, h, best, since, stop ? Status.EARLY_STOPPED : status,
        stop ? "validation objective has not improved for " + since + " epochs" : message);
  }

  /** Whether the last closed epoch set a new best validation value. */
  public boolean lastEpochWasBest() {
    return !history.isEmpty() && epochsSinceBest == 0 && !Double.isNaN(bestValidation);
  }

  TrainingState interrupted() {
    return new TrainingState(epoch, stepInEpoch, step, history, bestValidation, epochsSinceBest, Status.INTERRUPTED,
        "interrupted at step " + step);
  }

  TrainingState diverged(String why) {
    return new TrainingState(epoch, stepInEpoch, step, history, bestValidation, epochsSinceBest, Status.DIVERGED, why);
  }

  TrainingState completed() {
    return status == Status.RUNNING
        ? new TrainingState(epoch, stepInEpoch, step, history, bestValidation, epochsSinceBest, Status.COMPLETED, "")
        : this;
  }

  /**
   * A resumable copy: the same counters with status RUNNING, except that an early-stopped run stays stopped (its
   * resume, like its uninterrupted run, trains no further).
   */
  public TrainingState resumed() {
    return status == Status.EARLY_STOPPED ? this
        : new TrainingState(epoch, stepInEpoch, step, history, bestValidation, epochsSinceBest, Status.RUNNING, "");
  }

  /** Whether the run has stopped for good (early stopping or divergence). */
  public boolean finished() {
    return status == Status.EARLY_STOPPED || status == Status.DIVERGED;
  }

  /** The state as a JSON-ready map. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("stepInEpoch", stepInEpoch);
    m.put("step", step);
    m.put("bestValidation", Double.isNaN(bestValidation) ? null : bestValidation);
    m.put("epochsSinceBest", epochsSinceBest);
    m.put("status", status.name());
    m.put("message", message);
    List<Object> h = new ArrayList<>();
    for (EpochRecord r : history) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("epoch", r.epoch());
      e.put("step", r.step());
      e.put("train", Double.isNaN(r.train()) ? null : r.train());
      e.put("validation", Double.isNaN(r.validation()) ? null : r.validation());
      h.add(e);
    }
    m.put("history", h);
    return m;
  }

  /**
   * Reads {@link #toMap()}.
   *
   * @throws IllegalArgumentException naming the field, if one is missing or of the wrong type or range
   */
  public static TrainingState fromMap(Map<String, Object> m) {
    List<EpochRecord> h = new ArrayList<>();
    for (Map<?, ?> e : JsonFields.of(STATE, m).objects("history")) {
      String at = "history[" + h.size() + "].";
      h.add(new EpochRecord(count(e, "epoch", at), num(e, "step", at).longValue(), dbl(e.get("train")),
          dbl(e.get("validation"))));
    }
    return new TrainingState(count(m, "epoch", ""), count(m, "stepInEpoch", ""), num(m, "step", "").longValue(),
        h, dbl(m.get("bestValidation")), count(m, "epochsSinceBest", ""), status(m.get("status")),
        String.valueOf(m.getOrDefault("message", "")));
  }

  private static Status status(Object v) {
    for (Status s : Status.values()) {
      if (s.name().equals(v)) {
        return s;
      }
    }
    throw new IllegalArgumentException(STATE + " 'status' must be one of " + Arrays.toString(Status.values())
        + ", got " + JsonFields.shown(v));
  }

  /** A counter from a file: a whole number >= 0 (never a wrapped or fractional one); {@code at} prefixes its name. */
  private static Number num(Map<?, ?> m, String k, String at) {
    Object v = m.get(k);
    if (!(v instanceof Long || v instanceof Integer) || ((Number) v).longValue() < 0) {
      throw new IllegalArgumentException(STATE + " '" + at + k + "' must be a whole number >= 0, got "
          + JsonFields.shown(v));
    }
    return (Number) v;
  }

  private static int count(Map<?, ?> m, String k, String at) {
    long v = num(m, k, at).longValue();
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(STATE + " '" + at + k + "' is out of range: " + v);
    }
    return (int) v;
  }

  private static double dbl(Object v) {
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }
}
