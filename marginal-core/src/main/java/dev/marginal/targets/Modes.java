package dev.marginal.targets;

import dev.marginal.tensor.Tensor;
import java.util.Arrays;

/**
 * The modes of a multimodal target, for judging whether a sampler covers them: each point is assigned to the
 * nearest centre (Euclidean), and a mode counts as covered when it holds at least a stated fraction of the share
 * of samples that the target gives it. Reverse KL is mode-seeking, so a surrogate can reach a small KL estimate
 * while missing modes; this count sees what the KL does not.
 *
 * @param centres the mode centres, {@code [modes][dim]}
 * @param weights the target's weight of each mode (a mixture's component weights), summing to 1; a component that
 *     overlaps its neighbours can own a slightly different share of the nearest-centre cells, which the default
 *     threshold of a quarter of the weight absorbs
 *
 * <p>Immutable: the arrays are copied (deeply) in and out, and equality compares their elements.
 */
public record Modes(float[][] centres, double[] weights) {
  /** The default covered threshold: a mode holds at least this fraction of its own target share. */
  public static final double DEFAULT_MIN_FRACTION = 0.25;

  /** Validates and copies. */
  public Modes {
    if (centres.length == 0 || centres.length != weights.length) {
      throw new IllegalArgumentException("modes need as many weights as centres, at least one");
    }
    centres = Arrays.stream(centres).map(float[]::clone).toArray(float[][]::new);
    weights = weights.clone();
  }

  /** The mode centres {@code [modes][dim]}, a copy. */
  @Override
  public float[][] centres() {
    return Arrays.stream(centres).map(float[]::clone).toArray(float[][]::new);
  }

  /** The target's weight of each mode, a copy. */
  @Override
  public double[] weights() {
    return weights.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Modes m && Arrays.deepEquals(m.centres, centres) && Arrays.equals(m.weights, weights);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(centres) + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "Modes[centres=" + Arrays.deepToString(centres) + ", weights=" + Arrays.toString(weights) + "]";
  }

  /** The number of modes. */
  public int count() {
    return centres.length;
  }

  /** The index of the centre nearest to {@code x} (the first of ties). */
  public int nearest(float[] x, int offset) {
    int best = 0;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int m = 0; m < centres.length; m++) {
      double s = 0;
      for (int j = 0; j < centres[m].length; j++) {
        double d = x[offset + j] - centres[m][j];
        s += d * d;
      }
      if (s < bestDistance) {
        bestDistance = s;
        best = m;
      }
    }
    return best;
  }

  /** The share of the rows of {@code x} ({@code [n, dim]}) nearest to each centre. */
  public double[] shares(Tensor x) {
    int n = x.dim(0);
    int d = x.dim(1);
    float[] b = x.buffer();
    double[] share = new double[centres.length];
    for (int i = 0; i < n; i++) {
      share[nearest(b, i * d)] += 1.0 / n;
    }
    return share;
  }

  /**
   * The fraction of modes covered: those whose share of the rows of {@code x} is at least
   * {@code minFraction} times their target weight.
   */
  public double fractionCovered(Tensor x, double minFraction) {
    double[] share = shares(x);
    int covered = 0;
    for (int m = 0; m < share.length; m++) {
      covered += share[m] >= minFraction * weights[m] ? 1 : 0;
    }
    return (double) covered / share.length;
  }
}
