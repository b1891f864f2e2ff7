package dev.marginal.models;

import dev.marginal.random.RngKey;
import java.util.Arrays;

/**
 * k-means++ seeding (Arthur &amp; Vassilvitskii 2007) followed by a few Lloyd iterations: the starting partition for
 * EM. Each seed after the first is drawn with probability proportional to its squared distance D² to the nearest
 * seed so far, using key {@code key.foldIn(j)} for seed j.
 */
final class KMeans {
  /**
   * Centres and the partition they induce.
   *
   * @param centres row-major {@code [k·d]}
   * @param labels nearest centre of each point {@code [n]}
   */
  record Result(double[] centres, int[] labels) {}

  private KMeans() {}

  /**
   * Clusters flat row-major data.
   *
   * @param x points {@code [n·d]}
   * @param lloydIterations Lloyd refinements after seeding; stops early when no label changes
   */
  static Result fit(double[] x, int n, int d, int k, RngKey key, int lloydIterations) {
    double[] centres = seed(x, n, d, k, key);
    int[] labels = assign(x, n, d, k, centres);
    for (int it = 0; it < lloydIterations; it++) {
      updateCentres(x, n, d, k, labels, centres);
      int[] next = assign(x, n, d, k, centres);
      boolean changed = !Arrays.equals(next, labels);
      labels = next;
      if (!changed) {
        break;
      }
    }
    return new Result(centres, labels);
  }

  static double[] seed(double[] x, int n, int d, int k, RngKey key) {
    double[] centres = new double[k * d];
    int first = key.foldIn(0).nextInt(n);
    System.arraycopy(x, first * d, centres, 0, d);
    double[] dist2 = new double[n];
    Arrays.fill(dist2, Double.POSITIVE_INFINITY);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        dist2[i] = Math.min(dist2[i], squaredDistance(x, i * d, centres, (j - 1) * d, d));
        total += dist2[i];
      }
      int pick = total > 0 ? pickProportional(dist2, total, key.foldIn(j).uniform())
          : key.foldIn(j).nextInt(n);
      System.arraycopy(x, pick * d, centres, j * d, d);
    }
    return centres;
  }

  private static int pickProportional(double[] weights, double total, double u) {
    double target = u * total;
    double acc = 0;
    int last = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        last = i;
        acc += weights[i];
        if (target < acc) {
          return i;
        }
      }
    }
    return last;
  }

  private static int[] assign(double[] x, int n, int d, int k, double[] centres) {
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double dist = squaredDistance(x, i * d, centres, c * d, d);
        if (dist < best) {
          best = dist;
          labels[i] = c;
        }
      }
    }
    return labels;
  }

  /** Moves each centre to the mean of its points; a centre with no point stays where it is. */
  private static void updateCentres(double[] x, int n, int d, int k, int[] labels, double[] centres) {
    double[] sums = new double[k * d];
    int[] counts = new int[k];
    for (int i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (int j = 0; j < d; j++) {
        sums[labels[i] * d + j] += x[i * d + j];
      }
    }
    for (int c = 0; c < k; c++) {
      if (counts[c] > 0) {
        for (int j = 0; j < d; j++) {
          centres[c * d + j] = sums[c * d + j] / counts[c];
        }
      }
    }
  }

  private static double squaredDistance(double[] a, int ao, double[] b, int bo, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = a[ao + j] - b[bo + j];
      s += t * t;
    }
    return s;
  }
}
