package dev.marginal.spark.ml;

import static org.apache.spark.sql.functions.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.spark.TestSparkSessions;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.mllib.util.MLUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring on Spark gives every row the bits in-process scoring gives it, for any partitioning and row order. */
class MarginalDensityModelTest {
  private static final int N = 600;
  private static final int D = 20;
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = TestSparkSessions.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static LvmDensityModel lvm() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(D, 4, new int[] {32}, Activation.TANH,
        DeepLvm.Decoder.BERNOULLI), RngKey.of(1), null);
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < D; j++) {
      cols.add("x" + j);
    }
    return new LvmDensityModel(m, cols, null);
  }

  /** The same rows in 1 partition in order, and in 7 partitions in a shuffled order. */
  private static List<org.apache.spark.sql.Dataset<Row>> layouts(org.apache.spark.sql.Dataset<Row> df) {
    return List.of(df.coalesce(1), df.repartition(7).orderBy(rand(3)).repartition(7));
  }

  @Test
  void lvmScoresEqualInProcessScoresForAnyPartitioning() {
    LvmDensityModel lvm = lvm();
    Dataset data = Dataset.of("test", lvm.columns(), RngKey.of(2).uniforms(N * D));
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data);
    MarginalDensityModel stage = new MarginalDensityModel(lvm.toFile(Map.of()).toBytes()).setSeed(5)
        .setBatchRows(100);
    List<DensityModel.ScoreOptions> options = List.of(
        new DensityModel.ScoreOptions(DensityModel.Estimator.ELBO, 3, 1, 2),
        new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 8, 1, 3),
        new DensityModel.ScoreOptions(DensityModel.Estimator.SUMO, 1, 2, 2));
    for (DensityModel.ScoreOptions o : options) {
      DensityModel.LogDensity reference = lvm.logDensity(data, o, RngKey.of(5));
      stage.setEstimator(o.estimator().name().toLowerCase()).setNumSamples(o.numSamples())
          .setMinTerms(o.minTerms()).setRepeats(o.repeats());
      for (org.apache.spark.sql.Dataset<Row> layout : layouts(df)) {
        org.apache.spark.sql.Dataset<Row> scored = stage.transform(layout);
        assertArrayEquals(reference.value(), SparkRows.byId(scored, "log_px", N), 0, o.toString());
        assertArrayEquals(reference.stdErr(), SparkRows.byId(scored, "std_err", N), 0, o.toString());
      }
    }
  }

  @Test
  void mixtureScoresEncodingsAndEvaluationEqualInProcess() {
    Dataset data = ToyData.generate("moons", 300, RngKey.of(4));
    GmmDensityModel gmm = GmmDensityModel.fit(data, GmmOptions.of(3), true).model();
    DensityModel.LogDensity reference = gmm.logDensity(data, DensityModel.ScoreOptions.exact(), null);
    Dataset encoded = gmm.encode(data);
    MarginalDensityModel stage = new MarginalDensityModel(gmm.toFile(Map.of()).toBytes())
        .setInputCols(data.columns().toArray(new String[0])).setEncodedCol("resp");
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data).drop("features");
    BigDecimal exactSum = BigDecimal.ZERO;
    for (double v : reference.value()) {
      exactSum = exactSum.add(new BigDecimal(v));
    }
    double exactMean = exactSum.divide(BigDecimal.valueOf(300), MathContext.DECIMAL128).doubleValue();
    for (org.apache.spark.sql.Dataset<Row> layout : layouts(df)) {
      org.apache.spark.sql.Dataset<Row> scored = stage.transform(layout);
      assertArrayEquals(reference.value(), SparkRows.byId(scored, "log_px", 300), 0);
      for (Row r : scored.select("id", "resp").collectAsList()) {
        Vector v = (Vector) r.get(1);
        for (int c = 0; c < 3; c++) {
          assertEquals(encoded.get((int) r.getLong(0), c), (float) v.apply(c), 0);
        }
      }
      Evaluation e = stage.evaluate(layout);
      assertEquals(300, e.rows());
      assertEquals(exactMean, e.mean(), 0);
      assertEquals(standardErrorOfMean(reference.value()), e.stdErr(), 1e-12 * e.stdErr());
    }
  }

  private static double standardErrorOfMean(double[] v) {
    double m = 0;
    for (double x : v) {
      m += x;
    }
    m /= v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (v.length - 1) / v.length);
  }

  @Test
  void savedStageEmbedsTheModelFileAndLoadsInAPipeline() throws Exception {
    LvmDensityModel lvm = lvm();
    Dataset data = Dataset.of("test", lvm.columns(), RngKey.of(2).uniforms(50 * D));
    MarginalDensityModel stage = new MarginalDensityModel(lvm.toFile(Map.of()).toBytes()).setSeed(9)
        .setNumSamples(4).setRepeats(2);
    PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {stage}).fit(SparkRows.frame(spark, data));
    String path = dir.resolve("pipeline").toString();
    pipeline.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    double[] before = SparkRows.byId(pipeline.transform(SparkRows.frame(spark, data)), "log_px", 50);
    double[] after = SparkRows.byId(loaded.transform(SparkRows.frame(spark, data)), "log_px", 50);
    assertArrayEquals(before, after, 0);
    MarginalDensityModel back = (MarginalDensityModel) loaded.stages()[0];
    assertEquals(9L, back.getOrDefault(back.seed()));
    assertArrayEquals(stage.modelBytes(), back.modelBytes());
    // The embedded file is the ordinary model file: the CLI's reader takes it as it is.
    Path file = dir.resolve("pipeline/stages").toFile().listFiles()[0].toPath().resolve("data/model.marginal");
    DensityModel read = Models.read(file);
    assertEquals("lvm", read.kind());
    double[] cli = read.logDensity(data, new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 4, 1, 2),
        RngKey.of(9)).value();
    assertArrayEquals(cli, after, 0);
    // And a file written by marginal loads into Spark.
    lvm.toFile(Map.of()).write(dir.resolve("m.marginal"));
    assertArrayEquals(stage.modelBytes(),
        MarginalDensityModel.fromFile(spark, dir.resolve("m.marginal").toString()).modelBytes());
  }

  @Test
  void encodingAloneEstimatesNoLogDensity() {
    LvmDensityModel lvm = lvm();
    Dataset data = Dataset.of("test", lvm.columns(), RngKey.of(2).uniforms(40 * D));
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data);
    // 2^31 - 1 importance samples a row: estimating log p(x) would be refused (no array holds them), encoding is not.
    MarginalDensityModel stage = new MarginalDensityModel(lvm.toFile(Map.of()).toBytes()).setLogPxCol("")
        .setEncodedCol("z").setNumSamples(Integer.MAX_VALUE);
    Dataset expected = lvm.encode(data);
    for (org.apache.spark.sql.Dataset<Row> layout : layouts(df)) {
      org.apache.spark.sql.Dataset<Row> encoded = stage.transform(layout);
      List<String> columns = new ArrayList<>(List.of(df.columns()));
      columns.add("z");
      assertEquals(columns, List.of(encoded.columns()));
      for (Row r : encoded.select("id", "z").collectAsList()) {
        Vector v = (Vector) r.get(1);
        for (int j = 0; j < expected.cols(); j++) {
          assertEquals(expected.get((int) r.getLong(0), j), (float) v.apply(j), 0);
        }
      }
    }
    // evaluate still estimates log p(x), into the default column.
    org.apache.spark.sql.Dataset<Row> valid = SparkRows.frame(spark,
        Dataset.of("test", lvm.columns(), RngKey.of(3).uniforms(40 * D)));
    stage.setNumSamples(4);
    assertEquals(stage.copy(new org.apache.spark.ml.param.ParamMap()).setLogPxCol("log_px").evaluate(valid),
        stage.evaluate(valid));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stage.setEncodedCol("").transform(df));
    assertEquals("logPxCol and encodedCol are both empty: nothing to compute", e.getMessage());
  }

  @Test
  void perDatapointModelsAreRefused() {
    LvmDensityModel lvm = lvm().withPerDatapointInference(LocalPosteriorFit.defaults());
    MarginalDensityModel stage = new MarginalDensityModel(lvm.toFile(Map.of()).toBytes());
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, Dataset.of("t", lvm.columns(), new float[D]));
    for (MarginalDensityModel m : List.of(stage.copy(new org.apache.spark.ml.param.ParamMap()).setEncodedCol("z"),
        stage.copy(new org.apache.spark.ml.param.ParamMap()).setLogPxCol("").setEncodedCol("z"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.transform(df));
      assertEquals("a per-datapoint deep LVM is scored and encoded in process only (its local posterior fits depend on"
          + " which rows are fitted together)", e.getMessage());
    }
  }

  private static MarginalDensityModel mixture() {
    Dataset data = ToyData.generate("moons", 100, RngKey.of(4));
    return new MarginalDensityModel(GmmDensityModel.fit(data, GmmOptions.of(2), true).model().toFile(Map.of())
        .toBytes());
  }

  @Test
  void badRowsAndNoRowsAreOneLineErrorsNamingTheRow() {
    MarginalDensityModel stage = mixture();
    Map<String, Object[]> cases = Map.of(
        "id column 'id' has a negative id -1", new Object[] {-1L, Vectors.dense(0, 0)},
        "id column 'id' has a null", new Object[] {null, Vectors.dense(0, 0)},
        "row 4: the features are null", new Object[] {4L, null},
        "row 5 has 3 features, the model 2", new Object[] {5L, Vectors.dense(0, 0, 1)},
        "row 6: feature 1 of column 'features' is NaN; features must be finite",
        new Object[] {6L, Vectors.dense(0, Double.NaN)});
    for (Map.Entry<String, Object[]> c : cases.entrySet()) {
      org.apache.spark.sql.Dataset<Row> df = SparkRows.vectors(spark, new Object[] {1L, Vectors.dense(1, 0)},
          c.getValue());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stage.evaluate(df));
      assertEquals(c.getKey(), e.getMessage());
    }
    for (org.apache.spark.sql.Dataset<Row> empty : List.of(SparkRows.vectors(spark),
        SparkRows.vectors(spark, new Object[] {1L, Vectors.dense(1, 0)}).limit(0))) {
      assertEquals("no rows to evaluate",
          assertThrows(IllegalArgumentException.class, () -> stage.evaluate(empty)).getMessage());
    }
  }

  /**
   * Scoring reads each row on its own, with no shuffle by id, so a repeated id is not refused (fits refuse it): every
   * row with that id is scored with the id's random draws, and evaluate counts each of them.
   */
  @Test
  void aRepeatedIdIsScoredOncePerRowWithTheIdsDraws() {
    LvmDensityModel lvm = lvm();
    Dataset data = Dataset.of("test", lvm.columns(), RngKey.of(2).uniforms(3 * D));
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data);
    // Ids 0, 1, 2, then row 1 again and row 2's features under id 1.
    org.apache.spark.sql.Dataset<Row> rows = df.union(df.where("id = 1"))
        .union(df.where("id = 2").withColumn("id", functions.lit(1L))).coalesce(1);
    MarginalDensityModel stage = new MarginalDensityModel(lvm.toFile(Map.of()).toBytes()).setEstimator("iwae")
        .setNumSamples(4).setSeed(3);
    double[] scored = stage.transform(rows).select("log_px").collectAsList().stream()
        .mapToDouble(r -> r.getDouble(0)).toArray();
    float[] x = new float[5 * D];
    int[] from = {0, 1, 2, 1, 2};
    for (int r = 0; r < 5; r++) {
      System.arraycopy(data.values(), from[r] * D, x, r * D, D);
    }
    double[] expected = lvm.logDensities(Dataset.of("t", lvm.columns(), x), new long[] {0, 1, 2, 1, 1},
        List.of(new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 4, 1, 1)), RngKey.of(3)).get(0).value();
    assertArrayEquals(expected, scored, 0);
    assertEquals(scored[1], scored[3], 0);
    assertTrue(scored[4] != scored[2], "row 2's features under id 1 get id 1's draws");
    assertEquals(5, stage.evaluate(rows).rows());
  }

  @Test
  void outputColumnsThatExistAreRefused() {
    MarginalDensityModel stage = mixture();
    org.apache.spark.sql.Dataset<Row> df = SparkRows.vectors(spark, new Object[] {1L, Vectors.dense(1, 0)});
    assertEquals("logPxCol: output column 'log_px' exists already in the input; choose another name",
        assertThrows(IllegalArgumentException.class,
            () -> stage.transform(df.withColumn("log_px", functions.lit(7.0)))).getMessage());
    assertEquals("encodedCol: output column 'id' exists already in the input; choose another name",
        assertThrows(IllegalArgumentException.class,
            () -> stage.copy(ParamMap.empty()).setEncodedCol("id").transform(df)).getMessage());
    assertEquals("stdErrCol: output column 'log_px' exists already as another output; choose another name",
        assertThrows(IllegalArgumentException.class,
            () -> stage.copy(ParamMap.empty()).setStdErrCol("log_px").transform(df)).getMessage());
    // Encoding alone appends no standard error, whatever its column is called.
    assertEquals(3, stage.copy(ParamMap.empty()).setLogPxCol("").setStdErrCol("z").setEncodedCol("z")
        .transform(df).columns().length);
  }

  @Test
  void vectorsOfTheRddBasedApiAreRead() {
    MarginalDensityModel stage = mixture();
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, ToyData.generate("moons", 60, RngKey.of(5)));
    assertEquals(stage.evaluate(df), stage.evaluate(MLUtils.convertVectorColumnsFromML(df, "features")));
  }

  @Test
  void badParametersAreOneLineErrors() {
    LvmDensityModel lvm = lvm();
    MarginalDensityModel stage = new MarginalDensityModel(lvm.toFile(Map.of()).toBytes());
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, Dataset.of("t", lvm.columns(), new float[D]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stage.setEstimator("exact").transform(df));
    assertTrue(e.getMessage().contains("no exact log p(x)"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
    e = assertThrows(IllegalArgumentException.class, () -> stage.setEstimator("iwae").setIdCol("row").transform(df));
    assertTrue(e.getMessage().startsWith("idCol: no column 'row'"), e.getMessage());
  }
}
