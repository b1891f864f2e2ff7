package dev.marginal.optim;

import dev.marginal.autodiff.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stochastic gradient descent with optional momentum: {@code u ← μu + g}, {@code θ ← θ − lr_t·u}. */
public final class Sgd implements Optimizer {
  private final List<Parameter> params;
  private final LearningRate lr;
  private final float momentum;
  private final float[][] velocity;
  private long t;

  public Sgd(List<Parameter> params, LearningRate lr, double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    this.params = List.copyOf(params);
    this.lr = lr;
    this.momentum = (float) momentum;
    this.velocity = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      velocity[i] = new float[params.get(i).size()];
    }
  }

  @Override
  public List<Parameter> parameters() {
    return params;
  }

  @Override
  public void step() {
    float rate = (float) lr.at(t);
    t++;
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      float[] w = p.value().buffer();
      float[] g = p.gradBuffer();
      float[] u = velocity[i];
      for (int j = 0; j < w.length; j++) {
        u[j] = momentum * u[j] + g[j];
        w[j] -= rate * u[j];
      }
      p.discardGrad();
    }
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> s = new LinkedHashMap<>();
    s.put("t", new float[] {Float.intBitsToFloat((int) (t >>> 32)), Float.intBitsToFloat((int) t)});
    for (int i = 0; i < params.size(); i++) {
      s.put("u/" + params.get(i).name(), velocity[i].clone());
    }
    return s;
  }

  @Override
  public void restore(Map<String, float[]> state) {
    float[] ts = state.get("t");
    if (ts == null || ts.length != 2) {
      throw new IllegalArgumentException("SGD state has no step count");
    }
    for (int i = 0; i < params.size(); i++) {
      float[] u = state.get("u/" + params.get(i).name());
      if (u == null || u.length != velocity[i].length) {
        throw new IllegalArgumentException("SGD state does not match parameter " + params.get(i).name());
      }
    }
    t = ((long) Float.floatToRawIntBits(ts[0]) << 32) | (Float.floatToRawIntBits(ts[1]) & 0xFFFFFFFFL);
    for (int i = 0; i < params.size(); i++) {
      System.arraycopy(state.get("u/" + params.get(i).name()), 0, velocity[i], 0, velocity[i].length);
    }
  }
}
