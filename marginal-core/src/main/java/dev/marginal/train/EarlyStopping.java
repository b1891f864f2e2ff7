package dev.marginal.train;

import dev.marginal.autodiff.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the parameter values of the best validation epoch and puts them back when training stops early. The values
 * live in memory only.
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
