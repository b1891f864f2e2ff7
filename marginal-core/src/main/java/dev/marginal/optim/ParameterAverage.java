package dev.marginal.optim;

import dev.marginal.autodiff.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of parameters (Polyak averaging with exponential weights), bias-corrected so that
 * it averages only the values it has seen: after n updates with parameter values w_1 … w_n and decay d,
 *
 * <pre>  w̄_n = Σ_{i=1..n} (1 − d) d^(n−i) w_i / (1 − d^n).</pre>
 *
 * <p>Computed recursively as w̄_n = β_n w̄_(n−1) + (1 − β_n) w_n with β_n = d (1 − d^(n−1)) / (1 − d^n), so β_1 = 0
 * and the starting value never enters; as n grows β_n → d. Averaging removes the step-to-step oscillation of a
 * noisy optimizer without shrinking its steps. The state (the averages and n) is explicit, for checkpoints.
 *
 * <p>References: Polyak &amp; Juditsky 1992; Kingma &amp; Ba 2015, §7.2 (the bias correction).
 */
public final class ParameterAverage {
  private final List<Parameter> params;
  private final double decay;
  private final float[][] average;
  private long count;

  /**
   * Starts an average of {@code params}' current values (n = 0: the first update replaces them).
   *
   * @param decay d in (0, 1)
   */
  public ParameterAverage(List<Parameter> params, double decay) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("averaging decay must be in (0, 1), got " + decay);
    }
    this.params = List.copyOf(params);
    this.decay = decay;
    this.average = new float[params.size()][];
    for (int i = 0; i < average.length; i++) {
      average[i] = params.get(i).value().buffer().clone();
    }
  }

  public double decay() {
    return decay;
  }

  /** Updates so far (n). */
  public long count() {
    return count;
  }

  /** β_n of the class doc for the n-th update (n ≥ 1), in double before the float update. */
  static double weightOfPrevious(double decay, long n) {
    double dn = Math.pow(decay, n);
    return decay * (1 - dn / decay) / (1 - dn);
  }

  /** Folds the parameters' current values into the average. */
  public void updateInPlace() {
    count++;
    float beta = (float) weightOfPrevious(decay, count);
    float keep = 1 - beta;
    for (int i = 0; i < average.length; i++) {
      float[] w = params.get(i).value().buffer();
      float[] a = average[i];
      for (int j = 0; j < a.length; j++) {
        a[j] = beta * a[j] + keep * w[j];
      }
    }
  }

  /** Exchanges the parameters' values with the averages (calling it twice restores both). */
  public void swapInPlace() {
    for (int i = 0; i < average.length; i++) {
      float[] w = params.get(i).value().buffer();
      float[] a = average[i];
      for (int j = 0; j < a.length; j++) {
        float t = w[j];
        w[j] = a[j];
        a[j] = t;
      }
    }
  }

  /** Copies the averages into the parameters, which are then the averaged model. */
  public void copyToParametersInPlace() {
    for (int i = 0; i < average.length; i++) {
      System.arraycopy(average[i], 0, params.get(i).value().buffer(), 0, average[i].length);
    }
  }

  /** The averages by parameter name and n (as {@code "n"}: two floats holding the long's bits), for checkpoints. */
  public Map<String, float[]> state() {
    Map<String, float[]> s = new LinkedHashMap<>();
    s.put("n", new float[] {Float.intBitsToFloat((int) (count >>> 32)), Float.intBitsToFloat((int) count)});
    for (int i = 0; i < average.length; i++) {
      s.put(params.get(i).name(), average[i].clone());
    }
    return s;
  }

  /**
   * Restores a {@link #state()}.
   *
   * @throws IllegalArgumentException if a parameter's average is missing or has the wrong size
   */
  public void restore(Map<String, float[]> state) {
    float[] n = state.get("n");
    if (n == null || n.length != 2) {
      throw new IllegalArgumentException("the parameter average's state has no update count");
    }
    for (int i = 0; i < average.length; i++) {
      float[] a = state.get(params.get(i).name());
      if (a == null || a.length != average[i].length) {
        throw new IllegalArgumentException("the parameter average's state lacks " + params.get(i).name()
            + " or has the wrong size");
      }
      System.arraycopy(a, 0, average[i], 0, a.length);
    }
    count = ((long) Float.floatToRawIntBits(n[0]) << 32) | (Float.floatToRawIntBits(n[1]) & 0xFFFFFFFFL);
  }
}
