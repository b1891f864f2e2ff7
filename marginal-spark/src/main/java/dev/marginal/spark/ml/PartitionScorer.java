package dev.marginal.spark.ml;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.random.RngKey;
import dev.marginal.spark.ExecutorRuntime;
import dev.marginal.spark.ModelCache;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition lazily, {@code batchRows} rows at a time: each output row is the input row followed by
 * log p(x) and its standard error (unless only encoding) and the posterior summaries (if encoding). A row's values
 * depend only on the row, its id, the model, the options and the seed
 * ({@link DensityModel#logDensities(Dataset, long[], List, RngKey)}), never on the batch, the partition or the task
 * attempt.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<byte[]> model;
  private final RowFeatures features;
  private final String estimator;
  private final int numSamples;
  private final int minTerms;
  private final int repeats;
  private final long seed;
  private final boolean score;
  private final boolean encode;
  private final int batchRows;

  PartitionScorer(Broadcast<byte[]> model, RowFeatures features, String estimator, int numSamples, int minTerms,
      int repeats, long seed, boolean score, boolean encode, int batchRows) {
    this.model = model;
    this.features = features;
    this.estimator = estimator;
    this.numSamples = numSamples;
    this.minTerms = minTerms;
    this.repeats = repeats;
    this.seed = seed;
    this.score = score;
    this.encode = encode;
    this.batchRows = batchRows;
  }

  /** The estimator options, resolving "auto" by the model's kind as the CLI does. */
  static DensityModel.ScoreOptions options(DensityModel m, String estimator, int k, int minTerms, int repeats) {
    DensityModel.Estimator e = "auto".equals(estimator.trim().toLowerCase(java.util.Locale.ROOT))
        ? ("lvm".equals(m.kind()) ? DensityModel.Estimator.IWAE : DensityModel.Estimator.EXACT)
        : DensityModel.Estimator.parse(estimator);
    boolean exactOnly = !"lvm".equals(m.kind());
    if (exactOnly != (e == DensityModel.Estimator.EXACT)) {
      throw new IllegalArgumentException(exactOnly
          ? "a " + m.kind() + " model has an exact log p(x): use estimator exact (or auto)"
          : "a deep LVM has no exact log p(x): use estimator iwae (or elbo, sumo)");
    }
    return new DensityModel.ScoreOptions(e, k, minTerms, repeats);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    DensityModel m = ModelCache.get(model);
    DensityModel.ScoreOptions opts = score ? options(m, estimator, numSamples, minTerms, repeats) : null;
    RngKey key = RngKey.of(seed);
    return new Iterator<>() {
      private final List<Row> pending = new ArrayList<>();
      private int at;

      @Override
      public boolean hasNext() {
        if (at < pending.size()) {
          return true;
        }
        pending.clear();
        at = 0;
        List<Row> batch = new ArrayList<>(batchRows);
        while (batch.size() < batchRows && input.hasNext()) {
          batch.add(input.next());
        }
        if (!batch.isEmpty()) {
          ExecutorRuntime.compute(() -> {
            score(m, opts, key, batch, pending);
            return null;
          });
        }
        return at < pending.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.get(at++);
      }
    };
  }

  private void score(DensityModel m, DensityModel.ScoreOptions opts, RngKey key, List<Row> batch, List<Row> out) {
    int d = m.dim();
    int n = batch.size();
    float[] x = new float[n * d];
    long[] ids = new long[n];
    for (int r = 0; r < n; r++) {
      ids[r] = features.id(batch.get(r));
      features.read(batch.get(r), x, r * d);
    }
    Dataset data = Dataset.of("partition", m.columns(), x);
    DensityModel.LogDensity lp = score ? m.logDensities(data, ids, List.of(opts), key).get(0) : null;
    Dataset enc = encode ? m.encode(data) : null;
    for (int r = 0; r < n; r++) {
      Row row = batch.get(r);
      int w = row.length();
      Object[] values = new Object[w + (score ? 2 : 0) + (encode ? 1 : 0)];
      for (int c = 0; c < w; c++) {
        values[c] = row.get(c);
      }
      int at = w;
      if (score) {
        values[at++] = lp.value()[r];
        values[at++] = lp.stdErr()[r];
      }
      if (encode) {
        double[] z = new double[enc.cols()];
        for (int j = 0; j < z.length; j++) {
          z[j] = enc.get(r, j);
        }
        values[at] = Vectors.dense(z);
      }
      out.add(RowFactory.create(values));
    }
  }
}
