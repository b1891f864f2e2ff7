package dev.marginal.train;

import dev.marginal.io.JsonFields;
import dev.marginal.io.ModelFile;
import java.util.List;
import java.util.Map;

/**
 * Cross-checks of a checkpoint's counters, before a run resumes from it. A run advances them together: each
 * optimisation step adds one to the step and to the step count t of every Adam optimizer it steps (and of a
 * parameter average), each closed epoch adds one record to the history, and no run goes past its own length. A
 * checkpoint whose counters disagree was edited or damaged; resumed, it would continue a run that never was (Adam's
 * bias correction at another step than the schedule's, say), so it is refused in one line naming the field.
 */
final class CheckpointCounters {
  /** What every refusal starts with. */
  static final String DISAGREE = "the checkpoint's counters disagree: ";

  private CheckpointCounters() {}

  /**
   * The counters of a density-estimation checkpoint: the optimizers' step counts against the step (the encoder's is
   * 0 in a per-datapoint run, which never steps it), the history against the epoch, the local posteriors' per-row
   * step counts against the epochs begun, and the epoch and step against the length of the run that wrote it
   * ({@code epochs}, {@code maxSteps} of its provenance's options, when recorded).
   *
   * @param localCounts the row-sparse optimizer's per-row step counts of a per-datapoint run, or null
   * @throws IllegalArgumentException naming the first field that disagrees
   */
  static void requireDensity(ModelFile file, TrainingState state, Map<String, float[]> decoder,
      Map<String, float[]> encoder, int[] localCounts) {
    long step = state.step();
    requireAdamSteps(LvmCheckpoint.DECODER_PREFIX, decoder, step, "training state 'step' is " + step);
    requireAdamSteps(LvmCheckpoint.ENCODER_PREFIX, encoder, localCounts == null ? step : 0,
        localCounts == null ? "training state 'step' is " + step : "a per-datapoint run never steps its encoder");
    requireHistory(state);
    if (localCounts != null) {
      requireRowCounts(state, localCounts);
    }
    requireWithinLength(file, state);
  }

  /**
   * The counters of a reverse-KL checkpoint: both optimizers' step counts and the parameter average's update count
   * (when it has one) against the step, and the step against the iterations of the run that wrote it (when its
   * provenance records them).
   *
   * @throws IllegalArgumentException naming the first field that disagrees
   */
  static void requireReverseKl(ModelFile file, long step, Map<String, float[]> decoder, Map<String, float[]> encoder,
      Map<String, float[]> average) {
    String stepIs = "training state 'step' is " + step;
    requireAdamSteps(LvmCheckpoint.DECODER_PREFIX, decoder, step, stepIs);
    requireAdamSteps(LvmCheckpoint.ENCODER_PREFIX, encoder, step, stepIs);
    float[] n = average.get("n");
    if (n != null && n.length == 2 && longOf(n) != step) {
      throw new IllegalArgumentException(DISAGREE + LvmCheckpoint.AVERAGE_PREFIX + "n, the parameter average's "
          + "update count, is " + longOf(n) + ", but " + stepIs);
    }
    JsonFields options = options(file);
    if (options != null && options.has("iterations") && step > options.count("iterations")) {
      throw new IllegalArgumentException(DISAGREE + stepIs + ", beyond the " + options.count("iterations")
          + " iterations of the run that wrote it");
    }
  }

  /** An Adam state's step count t must be {@code expected}; a state without one is left to Adam to refuse. */
  private static void requireAdamSteps(String prefix, Map<String, float[]> adam, long expected, String why) {
    float[] t = adam.get("t");
    if (t != null && t.length == 2 && longOf(t) != expected) {
      throw new IllegalArgumentException(DISAGREE + prefix + "t, the optimizer's step count, is " + longOf(t)
          + ", but " + why);
    }
  }

  /** One history record per closed epoch, in order, each at a step no later than the next and the state's. */
  private static void requireHistory(TrainingState state) {
    List<TrainingState.EpochRecord> history = state.history();
    if (history.size() != state.epoch()) {
      throw new IllegalArgumentException(DISAGREE + "training state 'epoch' is " + state.epoch() + ", but its "
          + "'history' holds " + closedEpochs(history.size()));
    }
    long before = 0;
    for (int i = 0; i < history.size(); i++) {
      TrainingState.EpochRecord r = history.get(i);
      if (r.epoch() != i) {
        throw new IllegalArgumentException(DISAGREE + "training state 'history[" + i + "].epoch' is " + r.epoch()
            + ", not " + i);
      }
      if (r.step() < before || r.step() > state.step()) {
        throw new IllegalArgumentException(DISAGREE + "training state 'history[" + i + "].step' is " + r.step()
            + ", not between " + before + " and 'step' " + state.step());
      }
      before = r.step();
    }
    if (state.epochsSinceBest() > history.size()) {
      throw new IllegalArgumentException(DISAGREE + "training state 'epochsSinceBest' is " + state.epochsSinceBest()
          + ", but its 'history' holds " + closedEpochs(history.size()));
    }
  }

  private static String closedEpochs(int n) {
    return n + (n == 1 ? " closed epoch" : " closed epochs");
  }

  /**
   * Every epoch visits each training row once, so a row's step count is the epochs closed, plus one once the
   * current epoch has reached it.
   */
  private static void requireRowCounts(TrainingState state, int[] counts) {
    long low = state.epoch();
    long high = state.epoch() + (state.stepInEpoch() > 0 ? 1 : 0);
    for (int r = 0; r < counts.length; r++) {
      if (counts[r] < low || counts[r] > high) {
        throw new IllegalArgumentException(DISAGREE + LvmCheckpoint.LOCAL_PREFIX + "t of row " + r + ", its "
            + "optimizer's step count, is " + counts[r] + ", but training state 'epoch' " + state.epoch()
            + " and 'stepInEpoch' " + state.stepInEpoch() + " allow " + (low == high ? low : low + " or " + high));
      }
    }
  }

  /** No epoch or step past the length of the run that wrote the checkpoint. */
  private static void requireWithinLength(ModelFile file, TrainingState state) {
    JsonFields options = options(file);
    if (options == null || !options.has("epochs") || !options.has("maxSteps")) {
      return;
    }
    long maxSteps = options.count("maxSteps");
    long epochs = options.count("epochs");
    if (maxSteps > 0) {
      if (state.step() > maxSteps) {
        throw new IllegalArgumentException(DISAGREE + "training state 'step' is " + state.step() + ", beyond the "
            + maxSteps + " steps (maxSteps) of the run that wrote it");
      }
    } else if (state.epoch() > epochs || state.epoch() == epochs && state.stepInEpoch() > 0) {
      String field = state.epoch() > epochs ? "'epoch' is " + state.epoch()
          : "'stepInEpoch' is " + state.stepInEpoch() + " in epoch " + state.epoch();
      throw new IllegalArgumentException(DISAGREE + "training state " + field + ", beyond the " + epochs
          + " epochs of the run that wrote it");
    }
  }

  /** The checkpoint's recorded options, or null when it records none. */
  private static JsonFields options(ModelFile file) {
    if (!(file.provenance().get("options") instanceof Map<?, ?> options)) {
      return null;
    }
    return JsonFields.of("provenance options", options);
  }

  /** A long stored as two floats holding its high and low 32 bits (Adam's t, the average's n). */
  static long longOf(float[] bits) {
    return ((long) Float.floatToRawIntBits(bits[0]) << 32) | (Float.floatToRawIntBits(bits[1]) & 0xFFFFFFFFL);
  }
}
