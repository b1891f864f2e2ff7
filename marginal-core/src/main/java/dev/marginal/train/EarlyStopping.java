package dev.marginal.train;

import dev.marginal.autodiff.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the parameter values of the best validation epoch and puts them back when training stops early. The values
 * are saved in checkpoints ({@link #state()}, {@link #restore(Map)}), so that a resumed run that stops early keeps
 * the same epoch's values as an uninterrupted one.
 */
final class EarlyStopping {
  private final List<Parameter> parameters;
  /** Values of the best epoch so far, or null before the first validated epoch. */
  private List<float[]> best;

  EarlyStopping(List<Parameter> parameters) {
    this.parameters = parameters;
  }

  /** After an epoch: snapshots the parameters if it was the best, restores the best if training stopped early. */
  void afterEpoch(TrainingState state) {
    if (state.lastEpochWasBest()) {
      best = snapshot(parameters);
    }
    if (state.status() == TrainingState.Status.EARLY_STOPPED && best != null) {
      restore(parameters, best);
    }
  }

  /** The best epoch's values by parameter name, or an empty map before the first validated epoch. */
  Map<String, float[]> state() {
    Map<String, float[]> m = new LinkedHashMap<>();
    if (best != null) {
      for (int i = 0; i < parameters.size(); i++) {
        m.put(parameters.get(i).name(), best.get(i).clone());
      }
    }
    return m;
  }

  /**
   * Restores the best epoch's values saved by {@link #state()}; an empty map means none yet.
   *
   * @throws IllegalArgumentException if a parameter is missing or has another size
   */
  void restore(Map<String, float[]> saved) {
    if (saved.isEmpty()) {
      best = null;
      return;
    }
    List<float[]> values = new ArrayList<>();
    for (Parameter p : parameters) {
      float[] v = saved.get(p.name());
      if (v == null || v.length != p.value().size()) {
        throw new IllegalArgumentException("the checkpoint's best-epoch values of '" + p.name() + "' are "
            + (v == null ? "missing" : v.length + " numbers, expected " + p.value().size()));
      }
      values.add(v.clone());
    }
    best = values;
  }

  static void restore(List<Parameter> params, List<float[]> values) {
    for (int i = 0; i < params.size(); i++) {
      float[] v = values.get(i);
      System.arraycopy(v, 0, params.get(i).value().buffer(), 0, v.length);
    }
  }

  /** A copy of every parameter's value. */
  static List<float[]> snapshot(List<Parameter> params) {
    List<float[]> s = new ArrayList<>();
    for (Parameter p : params) {
      s.add(p.value().buffer().clone());
    }
    return s;
  }
}
