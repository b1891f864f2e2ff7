package dev.marginal.spark.ml;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The mean of per-row log p(x) over a data set and its standard error s/√n (s the sample standard deviation over
 * rows), the figure {@code marginal eval} reports.
 *
 * <p>Sums are exact (each partition adds its values and their squares as {@link BigDecimal}s, which is associative),
 * so the figures are bit for bit the same for any partitioning and merge order; the mean is the exact mean rounded
 * once, which may differ in the last bit from a left-to-right double sum.
 *
 * @param rows n
 * @param mean (1/n) Σ log p(x_i), nats
 * @param stdErr s/√n; NaN for one row
 */
public record Evaluation(long rows, double mean, double stdErr) implements Serializable {
  private static final MathContext CONTEXT = MathContext.DECIMAL128;

  /**
   * Mean and standard error of the double column {@code column}.
   *
   * @throws IllegalArgumentException if {@code scored} has no rows
   */
  static Evaluation of(Dataset<Row> scored, String column) {
    int at = scored.schema().fieldIndex(column);
    Sums total = scored.javaRDD().mapPartitions(it -> {
      Sums s = new Sums();
      while (it.hasNext()) {
        s.add(it.next().getDouble(at));
      }
      return java.util.List.of(s).iterator();
    }).fold(new Sums(), Sums::plus);
    if (total.n == 0) {
      throw new IllegalArgumentException("no rows to evaluate");
    }
    return total.evaluation();
  }

  /** Exact running sums; combining them is associative and commutative. */
  static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    long n;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal squares = BigDecimal.ZERO;
    /** Non-finite values are counted here and make the mean NaN or infinite, as a double sum would. */
    double nonFinite = 0;

    void add(double v) {
      n++;
      if (!Double.isFinite(v)) {
        nonFinite += v;
        return;
      }
      BigDecimal b = new BigDecimal(v);
      sum = sum.add(b);
      squares = squares.add(b.multiply(b));
    }

    static Sums plus(Sums a, Sums b) {
      Sums s = new Sums();
      s.n = a.n + b.n;
      s.sum = a.sum.add(b.sum);
      s.squares = a.squares.add(b.squares);
      s.nonFinite = a.nonFinite + b.nonFinite;
      return s;
    }

    Evaluation evaluation() {
      if (n == 0) {
        return new Evaluation(0, Double.NaN, Double.NaN);
      }
      if (nonFinite != 0 || Double.isNaN(nonFinite)) {
        return new Evaluation(n, nonFinite, Double.NaN);
      }
      BigDecimal count = BigDecimal.valueOf(n);
      double mean = sum.divide(count, CONTEXT).doubleValue();
      if (n == 1) {
        return new Evaluation(n, mean, Double.NaN);
      }
      // (Σ v² − (Σ v)² / n) / (n − 1), exact up to the 34-digit division.
      BigDecimal ss = squares.subtract(sum.multiply(sum).divide(count, CONTEXT));
      double var = ss.divide(BigDecimal.valueOf(n - 1), CONTEXT).doubleValue();
      return new Evaluation(n, mean, Math.sqrt(Math.max(var, 0) / n));
    }
  }
}
