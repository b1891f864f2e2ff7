package dev.marginal.spark.ml;

import static org.apache.spark.sql.functions.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.models.Ppca;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.io.ModelFile;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import dev.marginal.spark.TestSparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** EM on Spark fits the parameters the in-process fit gives, bit for bit, for any partitioning and row order. */
class MarginalGmmTest {
  /** Three chunks of 2048 rows, the last one partial. */
  static final int N = 5000;
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

  /** Three clusters in 3-D. */
  static Dataset data() {
    float[] x = new float[N * 3];
    for (int i = 0; i < N; i++) {
      float[] e = RngKey.of(11).foldIn(i).normals(3);
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = e[j] + (j == i % 3 ? 4f * (i % 3) : 0f);
      }
    }
    return Dataset.of("clusters", List.of("a", "b", "c"), x);
  }

  static MarginalGmm estimator(String type) {
    return new MarginalGmm().setInputCols(new String[] {"a", "b", "c"}).setComponents(3).setCovarianceType(type)
        .setNInit(2).setMaxIter(15).setSeed(7);
  }

  static void assertSameMixture(GaussianMixture expected, GaussianMixture actual) {
    assertArrayEquals(expected.weights(), actual.weights(), 0);
    for (int c = 0; c < expected.components(); c++) {
      assertArrayEquals(expected.mean(c), actual.mean(c), 0);
      for (int j = 0; j < expected.dim(); j++) {
        assertArrayEquals(expected.covariance(c)[j], actual.covariance(c)[j], 0);
      }
    }
  }

  static GaussianMixture mixture(MarginalDensityModel m) {
    return ((GmmDensityModel) m.model()).mixture();
  }

  static GaussianMixture inProcess(Dataset data, MarginalGmm estimator) {
    return GmmDensityModel.fit(data, estimator.options(), false).model().mixture();
  }

  @Test
  void fittedParametersEqualTheInProcessFitForAnyPartitioningAndOrder() {
    Dataset data = data();
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data);
    for (String type : List.of("full", "diag", "spherical")) {
      MarginalGmm gmm = estimator(type);
      GaussianMixture reference = inProcess(data, gmm);
      for (org.apache.spark.sql.Dataset<Row> layout : List.of(df.coalesce(1),
          df.repartition(3).orderBy(rand(1)).repartition(7))) {
        assertSameMixture(reference, mixture(gmm.fit(layout)));
      }
    }
  }

  @Test
  void pipelineFitTransformSaveLoadRoundTrip() throws Exception {
    Dataset data = data();
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {estimator("full")});
    PipelineModel fitted = pipeline.fit(df);
    String path = dir.resolve("gmm-pipeline").toString();
    fitted.write().save(path);
    pipeline.write().save(dir.resolve("unfitted").toString());
    MarginalGmm unfitted = (MarginalGmm) Pipeline.load(dir.resolve("unfitted").toString()).getStages()[0];
    assertEquals(estimator("full").options(), unfitted.options());
    PipelineModel loaded = PipelineModel.load(path);
    double[] before = SparkRows.byId(fitted.transform(df), "log_px", N);
    double[] after = SparkRows.byId(loaded.transform(df), "log_px", N);
    assertArrayEquals(before, after, 0);
    GmmDensityModel reference = GmmDensityModel.fit(data, estimator("full").options(), false).model();
    assertArrayEquals(reference.logDensity(data, DensityModel.ScoreOptions.exact(), null).value(), after, 0);
    // What Spark saved is a model file the CLI reads as it is.
    Path file = dir.resolve("gmm-pipeline/stages").toFile().listFiles()[0].toPath().resolve("data/model.marginal");
    assertSameMixture(reference.mixture(), ((GmmDensityModel) Models.read(file)).mixture());
  }

  @Test
  void loadingAPathThatHoldsNoSavedStageIsAOneLineErrorNamingIt() throws Exception {
    String missing = dir.resolve("missing").toString();
    Map<String, Executable> loads = Map.of("MarginalGmm", () -> MarginalGmm.load(missing),
        "MarginalPpca", () -> MarginalPpca.load(missing), "MarginalLvm", () -> MarginalLvm.load(missing),
        "MarginalDensityModel", () -> MarginalDensityModel.load(missing));
    for (Map.Entry<String, Executable> load : loads.entrySet()) {
      assertEquals("no saved " + load.getKey() + " at " + missing,
          assertThrows(IllegalArgumentException.class, load.getValue()).getMessage());
    }
    Path file = dir.resolve("gmm.marginal");
    GmmDensityModel.fit(data(), GmmOptions.of(2), false).model().toFile(Map.of()).write(file);
    assertEquals(file + " is not a saved MarginalDensityModel (it has no metadata/); a model file loads with "
        + "MarginalDensityModel.fromFile", assertThrows(IllegalArgumentException.class,
            () -> MarginalDensityModel.load(file.toString())).getMessage());
    assertEquals(file + " is not a saved MarginalGmm (it has no metadata/)",
        assertThrows(IllegalArgumentException.class, () -> MarginalGmm.load(file.toString())).getMessage());
    // A saved stage still loads, through the stage's own load and Spark's.
    String saved = dir.resolve("saved").toString();
    new MarginalGmm().setComponents(3).write().save(saved);
    MarginalGmm back = MarginalGmm.load(saved);
    assertEquals(3, back.getOrDefault(back.components()));
    assertEquals(3, ((MarginalGmm) org.apache.spark.ml.util.DefaultParamsReader.loadParamsInstance(saved,
        spark.sparkContext())).getOrDefault(back.components()));
  }

  @Test
  void loadingAStageOfAnotherClassIsAOneLineErrorNamingThePath() throws Exception {
    String lvm = dir.resolve("lvm").toString();
    new MarginalLvm().write().save(lvm);
    String gmm = dir.resolve("gmm").toString();
    new MarginalGmm().write().save(gmm);
    String model = dir.resolve("model").toString();
    estimator("full").setMaxIter(2).fit(SparkRows.frame(spark, data())).write().save(model);
    Map<String, Executable> loads = Map.of("MarginalGmm", () -> MarginalGmm.load(lvm),
        "MarginalPpca", () -> MarginalPpca.load(gmm), "MarginalLvm", () -> MarginalLvm.load(model),
        "MarginalDensityModel", () -> MarginalDensityModel.load(gmm));
    Map<String, String> held = Map.of("MarginalGmm", lvm + " holds a " + MarginalLvm.class.getName(),
        "MarginalPpca", gmm + " holds a " + MarginalGmm.class.getName(),
        "MarginalLvm", model + " holds a " + MarginalDensityModel.class.getName(),
        "MarginalDensityModel", gmm + " holds a " + MarginalGmm.class.getName());
    for (Map.Entry<String, Executable> load : loads.entrySet()) {
      assertEquals(held.get(load.getKey()) + ", not a " + load.getKey(),
          assertThrows(IllegalArgumentException.class, load.getValue()).getMessage());
    }
  }

  /**
   * A saved stage whose metadata/ is broken (not JSON, without the fields Spark ML saves, empty, edited behind its
   * checksum, a parameter the stage does not have) is refused in one line naming the path and the problem, not with
   * Jackson's, json4s's or a failed job's exception.
   */
  @Test
  void loadingAStageWithBrokenMetadataIsAOneLineErrorNamingThePathAndTheProblem() throws Exception {
    Path file = dir.resolve("gmm.marginal");
    GmmDensityModel.fit(data(), GmmOptions.of(2), false).model().toFile(Map.of()).write(file);
    Map<String, Consumer<String>> savers = Map.of("MarginalGmm", p -> save(new MarginalGmm(), p),
        "MarginalPpca", p -> save(new MarginalPpca(), p), "MarginalLvm", p -> save(new MarginalLvm(), p),
        "MarginalDensityModel", p -> save(MarginalDensityModel.fromFile(spark, file.toString()), p));
    // What metadata/part-00000 is made to hold (from the saved JSON), and the problem the refusal names.
    Map<UnaryOperator<String>, String> broken = Map.of(
        saved -> saved.substring(0, 12), "is not the JSON Spark ML saves (Unexpected end-of-input",
        saved -> "{}", "lacks a field Spark ML saves (class, uid, timestamp or sparkVersion)",
        saved -> "", "is empty",
        saved -> saved.replace("\"paramMap\":{", "\"paramMap\":{\"noSuchParam\":1,").replace(",}", "}"),
        "holds parameters a STAGE cannot take (Param noSuchParam does not exist.)");
    int n = 0;
    for (Map.Entry<String, Consumer<String>> stage : savers.entrySet()) {
      for (Map.Entry<UnaryOperator<String>, String> b : broken.entrySet()) {
        String path = dir.resolve("broken" + n++).toString();
        stage.getValue().accept(path);
        Path part = Path.of(path, "metadata", "part-00000");
        Files.delete(part.resolveSibling(".part-00000.crc"));
        Files.writeString(part, b.getKey().apply(Files.readString(part)));
        String message = assertThrows(IllegalArgumentException.class, () -> load(stage.getKey(), path)).getMessage();
        String expected = path + " is not a readable saved " + stage.getKey() + ": metadata/ "
            + b.getValue().replace("STAGE", stage.getKey());
        assertTrue(message.startsWith(expected) && !message.contains("\n"), expected + "\n" + message);
      }
      // Edited, but its checksum file left as it was.
      String path = dir.resolve("broken" + n++).toString();
      stage.getValue().accept(path);
      Path part = Path.of(path, "metadata", "part-00000");
      Files.writeString(part, Files.readString(part).replace("\"uid\":\"", "\"uid\":\"x"));
      assertEquals(path + " is not a readable saved " + stage.getKey() + ": metadata/ does not match its checksum "
          + "file (.crc): it was changed after it was saved",
          assertThrows(IllegalArgumentException.class, () -> load(stage.getKey(), path)).getMessage());
    }
  }

  private static void save(org.apache.spark.ml.util.MLWritable stage, String path) {
    try {
      stage.write().save(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Object load(String stage, String path) {
    return switch (stage) {
      case "MarginalGmm" -> MarginalGmm.load(path);
      case "MarginalPpca" -> MarginalPpca.load(path);
      case "MarginalLvm" -> MarginalLvm.load(path);
      default -> MarginalDensityModel.load(path);
    };
  }

  /** {@link #data()} with columns of other scales and offsets, where a fit as given and one standardized differ. */
  static Dataset spread() {
    float[] x = data().values().clone();
    for (int i = 0; i < N; i++) {
      x[i * 3] = x[i * 3] * 100f + 1e4f;
      x[i * 3 + 1] *= 0.01f;
    }
    return Dataset.of("spread", List.of("a", "b", "c"), x);
  }

  @Test
  void standardizedFitsEqualTheInProcessStandardizedFitsForAnyPartitioning() throws Exception {
    Dataset data = spread();
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data);
    MarginalGmm gmm = estimator("full").setStandardize(true);
    GmmDensityModel reference = GmmDensityModel.fit(data, gmm.options(), true).model();
    Ppca ppcaReference = PpcaDensityModel.fit(data, 1, true).model().ppca();
    MarginalPpca ppca = new MarginalPpca().setLatentDim(1).setStandardize(true);
    for (org.apache.spark.sql.Dataset<Row> layout : List.of(df.coalesce(1),
        df.repartition(3).orderBy(rand(3)).repartition(5))) {
      MarginalDensityModel fitted = gmm.fit(layout);
      GmmDensityModel model = (GmmDensityModel) fitted.model();
      assertEquals(reference.standardizer(), model.standardizer());
      assertSameMixture(reference.mixture(), model.mixture());
      assertEquals(true, dev.marginal.io.ModelFile.fromBytes(fitted.modelBytes(), "fit").provenance()
          .get("standardize"));
      PpcaDensityModel p = (PpcaDensityModel) ppca.fit(layout).model();
      assertTrue(p.standardizer().isPresent());
      assertArrayEquals(ppcaReference.mean(), p.ppca().mean(), 0);
      assertEquals(ppcaReference.noiseVariance(), p.ppca().noiseVariance(), 0);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(ppcaReference.loadings()[i], p.ppca().loadings()[i], 0);
      }
    }
    // Scores in the data's units, the in-process model's bit for bit.
    Dataset probe = data.head(20);
    assertArrayEquals(reference.logDensity(probe, DensityModel.ScoreOptions.exact(), null).value(),
        gmm.fit(df).model().logDensity(probe, DensityModel.ScoreOptions.exact(), null).value(), 0);
  }

  /** Columns whose variance the covariance floor would swamp are warned of as by the in-process fit. */
  @Test
  void columnsNearTheCovarianceFloorAreWarnedOfInTheProvenance() throws Exception {
    float[] x = data().values().clone();
    for (int k = 0; k < x.length; k++) {
      x[k] *= 1e-3f;
    }
    Dataset small = Dataset.of("spark", List.of("a", "b", "c"), x);
    List<String> expected = GmmDensityModel.warnings(small, estimator("full").options(), false);
    assertEquals(1, expected.size(), expected.toString());
    MarginalDensityModel fitted = estimator("full").fit(SparkRows.frame(spark, small).repartition(2));
    assertEquals(expected, ModelFile.fromBytes(fitted.modelBytes(), "fit").provenance().get("warnings"));
    MarginalDensityModel standardized = estimator("full").setStandardize(true).fit(SparkRows.frame(spark, small));
    assertEquals(null, ModelFile.fromBytes(standardized.modelBytes(), "fit").provenance().get("warnings"));
  }

  @Test
  void ppcaEqualsTheInProcessFitForAnyPartitioningAndOrder() {
    Dataset data = data();
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data);
    Ppca reference = PpcaDensityModel.fit(data, 2, false).model().ppca();
    MarginalPpca ppca = new MarginalPpca().setLatentDim(2);
    for (org.apache.spark.sql.Dataset<Row> layout : List.of(df.coalesce(1),
        df.repartition(3).orderBy(rand(2)).repartition(5))) {
      Ppca fitted = ((PpcaDensityModel) ppca.fit(layout).model()).ppca();
      assertArrayEquals(reference.mean(), fitted.mean(), 0);
      assertEquals(reference.noiseVariance(), fitted.noiseVariance(), 0);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(reference.loadings()[i], fitted.loadings()[i], 0);
      }
    }
  }

  @Test
  void badTrainingRowsAndColumnsAreOneLineErrors() {
    MarginalGmm gmm = new MarginalGmm().setComponents(2);
    Object[] ok = {2L, Vectors.dense(0, 1)};
    Object[] ok2 = {3L, Vectors.dense(1, 1)};
    assertEquals("id 2 appears more than once; ids must be unique", assertThrows(IllegalArgumentException.class,
        () -> gmm.fit(SparkRows.vectors(spark, ok, ok2, new Object[] {2L, Vectors.dense(1, 0)}))).getMessage());
    // The first row's features are null: the dimension comes from the next, and the null is named.
    assertEquals("row 1: the features are null", assertThrows(IllegalArgumentException.class,
        () -> gmm.fit(SparkRows.vectors(spark, new Object[] {1L, null}, ok, ok2))).getMessage());
    org.apache.spark.sql.Dataset<Row> df = SparkRows.vectors(spark, ok, ok2);
    assertEquals("featuresCol: no column 'x' (columns: id, features)", assertThrows(IllegalArgumentException.class,
        () -> gmm.copy(ParamMap.empty()).setFeaturesCol("x").fit(df)).getMessage());
    assertEquals("features column 'id' must be a vector or an array of numbers, got bigint",
        assertThrows(IllegalArgumentException.class,
            () -> gmm.copy(ParamMap.empty()).setFeaturesCol("id").fit(df)).getMessage());
  }

  /** Ids 0..2047 and then {@code last}: with last = 2047 the two copies lie in the first and the second chunk. */
  static org.apache.spark.sql.Dataset<Row> idsAcrossAChunkBoundary(SparkSession spark, long last) {
    Object[][] rows = new Object[2049][];
    for (int i = 0; i < 2049; i++) {
      long id = i < 2048 ? i : last;
      rows[i] = new Object[] {id, Vectors.dense(i % 7, (i * 3) % 11)};
    }
    return SparkRows.vectors(spark, rows);
  }

  @Test
  void aRepeatedIdIsRefusedWhenItsCopiesLieInTwoChunks() throws Exception {
    org.apache.spark.sql.Dataset<Row> repeated = idsAcrossAChunkBoundary(spark, 2047);
    for (org.apache.spark.sql.Dataset<Row> layout : List.of(repeated.coalesce(1), repeated.repartition(3))) {
      assertEquals("id 2047 appears more than once; ids must be unique", assertThrows(IllegalArgumentException.class,
          () -> new MarginalGmm().setComponents(2).fit(layout)).getMessage());
      assertEquals("id 2047 appears more than once; ids must be unique", assertThrows(IllegalArgumentException.class,
          () -> new MarginalPpca().setLatentDim(1).fit(layout)).getMessage());
    }
    org.apache.spark.sql.Dataset<Row> distinct = idsAcrossAChunkBoundary(spark, 2048);
    for (MarginalDensityModel fitted : List.of(new MarginalGmm().setComponents(2).fit(distinct),
        new MarginalPpca().setLatentDim(1).fit(distinct))) {
      assertEquals(2049L, ((Number) ModelFile.fromBytes(fitted.modelBytes(), "fitted").provenance().get("rows"))
          .longValue());
    }
  }

  @Test
  void optionsMirrorTheInProcessDefaults() {
    GmmOptions o = new MarginalGmm().options();
    GmmOptions d = GmmOptions.of(1);
    assertEquals(d.regCovar(), o.regCovar(), 0);
    assertEquals(d.tol(), o.tol(), 0);
    assertEquals(d.maxIter(), o.maxIter());
    assertEquals(d.nInit(), o.nInit());
    assertEquals(d.lloydIterations(), o.lloydIterations());
    assertEquals(d.key(), o.key());
  }
}
