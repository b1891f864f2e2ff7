package dev.marginal.density;

import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.io.Untrusted;

/**
 * The check that what a model computes of finite data is finite. A model's parameters may be finite yet so extreme
 * (a hand-edited variance of 1e-300, a weight of 1e38 in a float32 network) that a step of its computation
 * overflows, and log p(x) comes out -Infinity or NaN, an encoding NaN: such a row is refused, named by its file and
 * line where it has them ({@link Dataset#where}), instead of reported as a result. Values that pass are returned
 * as they are, so every finite result keeps its bits.
 */
final class FiniteResults {
  private FiniteResults() {}

  /**
   * Returns {@code value}, what the model computed for row {@code row} of {@code data}, if it is finite.
   *
   * @param what what the value is, for the message: "log p(x)", "an encoding"
   * @throws DataException naming where the row is, {@code what} and the value
   */
  static double require(Dataset data, int row, String what, double value) {
    if (!Double.isFinite(value)) {
      throw new DataException(data.where(row) + ": " + what + " is " + value + " (the model's parameters are too"
          + " extreme for this row: a step of its computation overflowed)");
    }
    return value;
  }

  /** Returns {@code lp}, log p(x) of each row of {@code data}, after {@link #require} on every value. */
  static DensityModel.LogDensity require(Dataset data, DensityModel.LogDensity lp) {
    double[] value = lp.value();
    for (int i = 0; i < value.length; i++) {
      require(data, i, "log p(x)", value[i]);
    }
    return lp;
  }

  /**
   * Returns {@code samples}, a model's draws, if every value is finite: a model whose parameters are finite but
   * extreme (a variance of 1e300) can draw values beyond the range of a float.
   *
   * @throws DataException naming the draw (from 1), the column and the value
   */
  static Dataset requireSamples(Dataset samples) {
    float[] v = samples.values();
    int d = samples.cols();
    for (int k = 0; k < v.length; k++) {
      if (!Float.isFinite(v[k])) {
        throw new DataException(samples.source() + ": draw " + (k / d + 1) + ", column "
            + Untrusted.quoted(samples.columns().get(k % d)) + ": " + v[k] + " (the model's parameters are too extreme"
            + " for its samples to fit a float)");
      }
    }
    return samples;
  }

  /** Returns {@code values}, {@code width} of each row of {@code data}, after {@link #require} on every one. */
  static float[] require(Dataset data, String what, float[] values, int width) {
    for (int k = 0; k < values.length; k++) {
      require(data, k / width, what, values[k]);
    }
    return values;
  }
}
