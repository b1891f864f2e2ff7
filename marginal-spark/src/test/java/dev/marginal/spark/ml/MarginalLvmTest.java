package dev.marginal.spark.ml;

import static org.apache.spark.sql.functions.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DataParallelFit;
import dev.marginal.autodiff.Parameter;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.spark.TestSparkSessions;
import dev.marginal.train.Progress;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local SGD on Spark trains the parameters the in-process run trains, bit for bit, for any partitioning. */
class MarginalLvmTest {
  static final int N = 300;
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

  /** Grey values in [0, 1]: the Bernoulli decoder with dynamic binarization, the image default. */
  static Dataset data() {
    float[] u = new float[N * 6];
    Samplers.uniforms(RngKey.of(8), u, 0, u.length);
    return Dataset.of("grey", List.of("a", "b", "c", "d", "e", "f"), u);
  }

  static MarginalLvm estimator() {
    return new MarginalLvm().setInputCols(new String[] {"a", "b", "c", "d", "e", "f"}).setHidden(new int[] {8})
        .setLatentDim(2).setEpochs(2).setBatchSize(20).setShards(3).setRoundSteps(3).setSeed(4);
  }

  static DeepLvm reference() {
    // Three shards, three local steps per round: as the estimator is set.
    return DataParallelFit.fit(data(), 3, estimator().options(), 3, Progress.silent()).model().model();
  }

  static void assertSameParameters(DeepLvm a, DeepLvm b) {
    List<Parameter> pa = a.parameters();
    List<Parameter> pb = b.parameters();
    assertEquals(pa.size(), pb.size());
    for (int i = 0; i < pa.size(); i++) {
      assertArrayEquals(pa.get(i).value().toArray(), pb.get(i).value().toArray(), 0f, pa.get(i).name());
    }
  }

  static DeepLvm fitted(MarginalDensityModel m) {
    return ((LvmDensityModel) m.model()).model();
  }

  @Test
  void equalsTheInProcessRunForAnyPartitioningAndRowOrder() {
    DeepLvm reference = reference();
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data());
    for (org.apache.spark.sql.Dataset<Row> layout : List.of(df.coalesce(1), df.repartition(2),
        df.repartition(3).orderBy(rand(2)).repartition(4))) {
      assertSameParameters(reference, fitted(estimator().fit(layout)));
    }
  }

  @Test
  void aTiedGaussianDecoderEqualsTheInProcessRunToo() {
    MarginalLvm tied = estimator().setDecoder("gaussian-tied");
    DeepLvm reference = DataParallelFit.fit(data(), 3, tied.options(), 3, Progress.silent()).model().model();
    assertEquals(DeepLvm.Decoder.GAUSSIAN_TIED, reference.config().decoder());
    List<Parameter> params = reference.parameters();
    Parameter logVar = params.get(params.size() - 1);
    assertEquals(DeepLvm.TIED_LOG_VAR, logVar.name());
    assertTrue(logVar.value().get(0) != 0f, "the shared log-variance was trained");
    assertSameParameters(reference, fitted(tied.fit(SparkRows.frame(spark, data()).repartition(2))));
  }

  /** Columns of standard deviations about 0.02, 1 and 300 around means far from 0. */
  static Dataset spread() {
    float[] n = RngKey.of(9).normals(N * 3);
    float[] v = new float[n.length];
    float[] sd = {0.02f, 1f, 300f};
    float[] mean = {5f, -1f, 1000f};
    for (int k = 0; k < v.length; k++) {
      v[k] = mean[k % 3] + sd[k % 3] * n[k];
    }
    return Dataset.of("spread", List.of("a", "b", "c"), v);
  }

  @Test
  void aStandardizedFitEqualsTheInProcessRunAndScoresInTheDataUnits() throws Exception {
    MarginalLvm standardized = estimator().setInputCols(new String[] {"a", "b", "c"}).setStandardize(true);
    LvmDensityModel reference = DataParallelFit.fit(spread(), 3, standardized.options(), 3, Progress.silent())
        .model();
    assertTrue(reference.standardizer() != null);
    MarginalDensityModel fitted = standardized.fit(SparkRows.frame(spark, spread()).repartition(2));
    LvmDensityModel model = (LvmDensityModel) fitted.model();
    assertEquals(reference.standardizer(), model.standardizer());
    assertSameParameters(reference.model(), model.model());
    assertEquals(List.of(), dev.marginal.io.ModelFile.fromBytes(fitted.modelBytes(), "fit").provenance()
        .getOrDefault("warnings", List.of()));
    // Without standardization the columns' scale is warned of, in the model file's provenance.
    MarginalDensityModel asGiven = estimator().setInputCols(new String[] {"a", "b", "c"})
        .fit(SparkRows.frame(spark, spread()));
    List<String> expected = DataParallelFit.fit(spread().withSource("spark"), 3, estimator().options(), 3,
        Progress.silent()).warnings();
    assertEquals(1, expected.size(), expected.toString());
    assertTrue(expected.get(0).startsWith("spark: standard deviation outside 0.5 to 6 in 2 of 3 columns: 'a' (0.02"),
        expected.get(0));
    assertEquals(expected, dev.marginal.io.ModelFile.fromBytes(asGiven.modelBytes(), "fit").provenance().get("warnings"));
  }

  /**
   * A checkpoint written on Spark is the in-process run's, and a fit resumed from it ends as the uninterrupted run,
   * for another partitioning too.
   */
  @Test
  void aFitResumedFromItsCheckpointEndsAsTheUninterruptedRun() throws Exception {
    DeepLvm reference = reference();
    String path = dir.resolve("run.ckpt").toString();
    // 3 shards of 100 rows, batch 20: 5 steps an epoch, 10 steps in 2 epochs, 4 rounds of 3; checkpoints after
    // rounds 1, 2 and 3, each replacing the one before.
    MarginalLvm checkpointed = estimator().setCheckpointPath(path).setCheckpointInterval(1);
    assertSameParameters(reference, fitted(checkpointed.fit(SparkRows.frame(spark, data()))));
    List<dev.marginal.io.ModelFile> inProcess = new java.util.ArrayList<>();
    DataParallelFit.fit(dev.marginal.data.DataShards.inMemory(data(), 3), "spark", List.of("a", "b", "c", "d", "e",
        "f"), estimator().options(), 3, Progress.silent(), DataParallelFit.Checkpoints.every(1, inProcess::add));
    dev.marginal.io.ModelFile written = dev.marginal.io.ModelFile.read(Path.of(path));
    dev.marginal.io.ModelFile last = inProcess.get(inProcess.size() - 1);
    assertArrayEquals(last.tensor("dataParallel/state").toArray(), written.tensor("dataParallel/state").toArray(), 0f);
    assertEquals(last.provenance().get("dataParallel"), written.provenance().get("dataParallel"));
    // Resumed from the round-1 checkpoint (in process) and from Spark's last one, on another partitioning.
    String first = dir.resolve("first.ckpt").toString();
    java.nio.file.Files.write(Path.of(first), inProcess.get(0).toBytes());
    for (String from : List.of(first, path)) {
      MarginalLvm resumed = estimator().setResumeFrom(from);
      assertSameParameters(reference, fitted(resumed.fit(SparkRows.frame(spark, data()).repartition(3))));
    }
    // Another run's settings are refused, naming them.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> estimator().setSeed(5).setResumeFrom(path).fit(SparkRows.frame(spark, data())));
    assertTrue(e.getMessage().startsWith("the checkpoint is of a different run: seed 5 (the checkpoint's run had 4)"),
        e.getMessage());
    assertEquals("resumeFrom " + dir.resolve("none") + " does not exist", assertThrows(IllegalArgumentException.class,
        () -> estimator().setResumeFrom(dir.resolve("none").toString()).fit(SparkRows.frame(spark, data())))
        .getMessage());
  }

  @Test
  void savesInAPipelineAsAModelFileTheCommandReads() throws Exception {
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data());
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {estimator()}).fit(df);
    ((MarginalDensityModel) fitted.stages()[0]).setNumSamples(50);
    String path = dir.resolve("lvm-pipeline").toString();
    fitted.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(50, ((MarginalDensityModel) loaded.stages()[0]).getOrDefault(
        ((MarginalDensityModel) loaded.stages()[0]).numSamples()));
    double[] before = SparkRows.byId(fitted.transform(df), "log_px", N);
    double[] after = SparkRows.byId(loaded.transform(df), "log_px", N);
    assertArrayEquals(before, after, 0);
    Path file = dir.resolve("lvm-pipeline/stages").toFile().listFiles()[0].toPath().resolve("data/model.marginal");
    DensityModel read = Models.read(file);
    assertEquals("lvm", read.kind());
    assertSameParameters(reference(), ((LvmDensityModel) read).model());
    for (double v : after) {
      assertTrue(Double.isFinite(v) && v < 0, "log p(x) of binary 6-D rows is negative, got " + v);
    }
  }

  @Test
  void tooManyShardsIsAClearError() {
    org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data()).limit(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> estimator().fit(df));
    assertTrue(e.getMessage().contains("cannot fill 3 shards"), e.getMessage());
  }

  @Test
  void noRowsIsAOneLineError() {
    org.apache.spark.sql.Dataset<Row> none = SparkRows.frame(spark, data()).limit(0);
    assertEquals("no rows to fit", assertThrows(IllegalArgumentException.class,
        () -> estimator().fit(none)).getMessage());
    assertEquals("no rows to fit", assertThrows(IllegalArgumentException.class,
        () -> estimator().setInputCols(new String[0]).fit(none)).getMessage());
    assertEquals("no rows to fit", assertThrows(IllegalArgumentException.class,
        () -> new MarginalGmm().setInputCols(new String[] {"a", "b"}).fit(none)).getMessage());
    assertEquals("no rows to fit", assertThrows(IllegalArgumentException.class,
        () -> new MarginalPpca().setInputCols(new String[] {"a", "b"}).setLatentDim(1).fit(none)).getMessage());
  }

  @Test
  void aRepeatedIdIsAOneLineError() {
    org.apache.spark.sql.Dataset<Row> rows = SparkRows.frame(spark, data()).limit(6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> estimator().fit(rows.union(rows)));
    assertTrue(e.getMessage().matches("id [0-5] appears more than once; ids must be unique"), e.getMessage());
  }
}
