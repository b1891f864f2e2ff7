package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.autodiff.Parameter;
import dev.marginal.config.ParameterException;
import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.train.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel recipe: one shard is {@link DeepLvmFit}'s fit, standardized or not; its model files read back
 * like any other; it warns of the columns' scale as that fit does.
 */
class DataParallelFitTest {
  static Dataset grey() {
    float[] u = new float[240 * 6];
    Samplers.uniforms(RngKey.of(8), u, 0, u.length);
    return Dataset.of("grey", List.of("a", "b", "c", "d", "e", "f"), u);
  }

  static DeepLvmOptions options() {
    return DeepLvmOptions.defaults().withEpochs(3).withBatchSize(20).withSeed(4)
        .withArchitecture(new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null));
  }

  static void assertSameParameters(DeepLvm a, DeepLvm b) {
    List<Parameter> pa = a.parameters();
    List<Parameter> pb = b.parameters();
    assertEquals(pa.size(), pb.size());
    for (int i = 0; i < pa.size(); i++) {
      float[] x = pa.get(i).value().toArray();
      float[] y = pb.get(i).value().toArray();
      for (int j = 0; j < x.length; j++) {
        assertEquals(Float.floatToRawIntBits(x[j]), Float.floatToRawIntBits(y[j]), pa.get(i).name() + "[" + j + "]");
      }
    }
  }

  @Test
  void oneShardIsTheOneMachineFitWithItsDefaults() {
    // Bernoulli decoder chosen from the data, bias at the column means, dynamic binarization, scaled warm-up.
    DeepLvmFit.Result reference = DeepLvmFit.fit(grey(), options());
    DataParallelFit.Result parallel = DataParallelFit.fit(grey(), 1, options(), 5, Progress.silent());
    assertEquals(DeepLvm.Decoder.BERNOULLI, parallel.model().model().config().decoder());
    assertSameParameters(reference.model().model(), parallel.model().model());
  }

  @Test
  void theModelFileRecordsShardsAndRoundsAndReadsBack() throws Exception {
    DataParallelFit.Result fit = DataParallelFit.fit(grey(), 3, options(), 4, Progress.silent());
    assertEquals(3 * 4, fit.run().steps(), "3 epochs of the largest shard (80 rows, 4 batches)");
    ModelFile file = fit.model().toFile(fit.fileProvenance("in-process"));
    LvmDensityModel back = LvmDensityModel.fromFile(ModelFile.fromBytes(file.toBytes(), "fit"));
    assertSameParameters(fit.model().model(), back.model());
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> opts = (java.util.Map<String, Object>) file.provenance().get("options");
    assertEquals(3, ((Number) opts.get("shards")).intValue());
    assertEquals(4, ((Number) opts.get("roundSteps")).intValue());
    assertEquals(3 * 4, ((Number) opts.get("stepsPerShard")).intValue());
    // "localSteps" names the local posterior fits of a per-datapoint model, which this is not.
    assertFalse(opts.containsKey("localSteps"), opts.toString());
  }

  /** Columns of standard deviations about 0.02, 1 and 300 around means far from 0, and one constant column. */
  static Dataset spread() {
    float[] n = RngKey.of(9).normals(240 * 4);
    float[] v = new float[n.length];
    float[] sd = {0.02f, 1f, 300f, 0f};
    float[] mean = {5f, -1f, 1000f, 7.5f};
    for (int k = 0; k < v.length; k++) {
      v[k] = mean[k % 4] + sd[k % 4] * n[k];
    }
    return Dataset.of("spread", List.of("a", "b", "c", "d"), v);
  }

  static DeepLvmOptions gaussianOptions() {
    return options().withArchitecture(new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN));
  }

  @Test
  void oneShardStandardizedIsTheOneMachineStandardizedFit() {
    DeepLvmOptions o = options().withStandardize(true);
    DeepLvmFit.Result reference = DeepLvmFit.fit(spread(), o);
    DataParallelFit.Result parallel = DataParallelFit.fit(spread(), 1, o, 5, Progress.silent());
    assertEquals(DeepLvm.Decoder.GAUSSIAN, parallel.model().model().config().decoder(), "auto: gaussian");
    assertEquals(reference.model().standardizer(), parallel.model().standardizer());
    assertSameParameters(reference.model().model(), parallel.model().model());
    assertEquals(List.of(), parallel.warnings());
    Dataset probe = spread().head(7);
    double[] a = reference.model().logDensity(probe, dev.marginal.density.DensityModel.ScoreOptions.iwae(50),
        RngKey.of(2)).value();
    double[] b = parallel.model().logDensity(probe, dev.marginal.density.DensityModel.ScoreOptions.iwae(50),
        RngKey.of(2)).value();
    assertArrayEquals(a, b, 0.0, "the same model scores the same in the data's units");
  }

  @Test
  void aStandardizedFitReportsItsProgressInTheDataUnits() {
    java.util.List<Double> seen = new java.util.ArrayList<>();
    DataParallelFit.Result fit = DataParallelFit.fit(spread(), 2, options().withStandardize(true), 5,
        (step, examples, objective) -> seen.add(objective));
    List<Double> rounds = fit.run().roundObjectives();
    assertEquals(rounds.size(), seen.size());
    double logJacobian = fit.model().standardizer().logJacobian();
    for (int r = 0; r < rounds.size(); r++) {
      assertEquals(rounds.get(r) + logJacobian, seen.get(r), 0.0, "round " + r);
    }
  }

  @Test
  void theStandardizerOfManyShardsIsThatOfAllRows() {
    // Sums in another order than one pass over the rows: equal to rounding, and a constant column still gets sd 1.
    DataParallelFit.Result fit = DataParallelFit.fit(spread(), 3, options().withStandardize(true), 5,
        Progress.silent());
    Standardizer all = Standardizer.fit(spread());
    Standardizer sharded = fit.model().standardizer();
    for (int j = 0; j < 4; j++) {
      assertEquals(all.mean()[j], sharded.mean()[j], 1e-12 * Math.abs(all.mean()[j]), "mean " + j);
      assertEquals(all.sd()[j], sharded.sd()[j], 1e-9 * all.sd()[j], "sd " + j);
    }
    assertEquals(1.0, sharded.sd()[3], 0.0, "constant column");
    assertEquals(true, fit.provenance().options().get("standardize"));
  }

  @Test
  void columnsOfAnotherScaleAreWarnedOfAsByTheOneMachineFit() throws Exception {
    DataParallelFit.Result fit = DataParallelFit.fit(spread(), 3, gaussianOptions(), 5, Progress.silent());
    List<String> expected = DeepLvmFit.warnings(spread(), gaussianOptions());
    assertEquals(1, expected.size(), expected.toString());
    assertEquals(expected, fit.warnings());
    assertEquals(expected, fit.fileProvenance("in-process").get("warnings"));
    ModelFile file = fit.model().toFile(fit.fileProvenance("in-process"));
    assertEquals(expected, ModelFile.fromBytes(file.toBytes(), "fit").provenance().get("warnings"));
    // None for a standardized fit, a Bernoulli decoder, or columns on unit scale.
    assertEquals(List.of(), DataParallelFit.fit(spread(), 3, gaussianOptions().withStandardize(true), 5,
        Progress.silent()).warnings());
    DataParallelFit.Result grey = DataParallelFit.fit(grey(), 3, options(), 4, Progress.silent());
    assertEquals(List.of(), grey.warnings());
    assertFalse(grey.fileProvenance("in-process").containsKey("warnings"));
  }

  private static ModelFile roundTrip(ModelFile f) throws Exception {
    return ModelFile.fromBytes(f.toBytes(), "checkpoint");
  }

  /** Checkpoints every 2 rounds of a 6-round run; a run resumed from each ends as the uninterrupted one, bit for bit. */
  @Test
  void aRunResumedFromACheckpointEndsAsTheUninterruptedRun() throws Exception {
    for (boolean standardize : new boolean[] {false, true}) {
      Dataset data = standardize ? spread() : grey();
      DeepLvmOptions o = standardize ? options().withStandardize(true) : options();
      DataParallelFit.Result whole = DataParallelFit.fit(data, 3, o, 2, Progress.silent());
      List<ModelFile> written = new java.util.ArrayList<>();
      DataParallelFit.Result checkpointed = DataParallelFit.fit(DataShards.inMemory(data, 3), data.source(),
          data.columns(), o, 2, Progress.silent(), DataParallelFit.Checkpoints.every(2, written::add));
      assertSameParameters(whole.model().model(), checkpointed.model().model());
      assertEquals(6, whole.run().rounds());
      assertEquals(2, written.size(), "after rounds 2 and 4; none after the last");
      for (ModelFile f : written) {
        ModelFile back = roundTrip(f);
        // A checkpoint is also the model of its round, readable as any model file.
        assertEquals("lvm", back.kind());
        DataParallelFit.Result resumed = DataParallelFit.fit(DataShards.inMemory(data, 3), data.source(),
            data.columns(), o, 2, Progress.silent(), DataParallelFit.Checkpoints.none().resumingFrom(back));
        assertSameParameters(whole.model().model(), resumed.model().model());
        assertEquals(whole.run().roundObjectives(), resumed.run().roundObjectives());
        assertEquals(whole.run().examples(), resumed.run().examples());
        assertEquals(whole.run().rounds(), resumed.run().rounds());
      }
    }
  }

  @Test
  void aCheckpointResumesOnlyItsOwnRun() throws Exception {
    List<ModelFile> written = new java.util.ArrayList<>();
    DataParallelFit.fit(DataShards.inMemory(grey(), 3), "grey", grey().columns(), options(), 2, Progress.silent(),
        DataParallelFit.Checkpoints.every(2, written::add));
    ModelFile checkpoint = roundTrip(written.get(0));
    DataParallelFit.Checkpoints resume = DataParallelFit.Checkpoints.none().resumingFrom(checkpoint);
    ParameterException seed = assertThrows(ParameterException.class, () -> DataParallelFit.fit(
        DataShards.inMemory(grey(), 3), "grey", grey().columns(), options().withSeed(5), 2, Progress.silent(), resume));
    assertEquals(List.of("seed"), seed.parameters());
    ParameterException shards = assertThrows(ParameterException.class, () -> DataParallelFit.fit(
        DataShards.inMemory(grey(), 2), "grey", grey().columns(), options(), 2, Progress.silent(), resume));
    assertEquals(true, shards.parameters().contains("shards"), shards.getMessage());
    // The same count of other rows under the same name: the digest differs.
    float[] other = grey().values().clone();
    other[7] = 0.5f;
    Dataset changed = Dataset.of("grey", grey().columns(), other);
    ParameterException data = assertThrows(ParameterException.class, () -> DataParallelFit.fit(
        DataShards.inMemory(changed, 3), "grey", grey().columns(), options(), 2, Progress.silent(), resume));
    assertEquals(List.of("data"), data.parameters());
    // Counters that disagree with the state, and a model file that is no checkpoint.
    java.util.Map<String, Object> p = new java.util.LinkedHashMap<>(checkpoint.provenance());
    java.util.Map<String, Object> counters = new java.util.LinkedHashMap<>((java.util.Map<String, Object>)
        p.get(DataParallelFit.COUNTERS));
    counters.put("step", 3L);
    p.put(DataParallelFit.COUNTERS, counters);
    ModelFile tampered = new ModelFile(checkpoint.kind(), checkpoint.config(), p, checkpoint.tensors(),
        checkpoint.float64Tensors());
    IllegalArgumentException step = assertThrows(IllegalArgumentException.class, () -> DataParallelFit.fit(
        DataShards.inMemory(grey(), 3), "grey", grey().columns(), options(), 2, Progress.silent(),
        DataParallelFit.Checkpoints.none().resumingFrom(tampered)));
    assertEquals("the checkpoint's step 3 does not match its 2 rounds of 2 steps (a run of 12 steps)",
        step.getMessage());
    // A state vector of another length (another model's), and a run that had ended (its last round counted).
    java.util.Map<String, dev.marginal.tensor.Tensor> tensors = new java.util.LinkedHashMap<>(checkpoint.tensors());
    float[] state = checkpoint.tensor("dataParallel/state").toArray();
    tensors.put("dataParallel/state", dev.marginal.tensor.Tensor.wrap(java.util.Arrays.copyOf(state, state.length - 3),
        state.length - 3));
    ModelFile shorter = new ModelFile(checkpoint.kind(), checkpoint.config(), checkpoint.provenance(), tensors,
        checkpoint.float64Tensors());
    assertEquals("the checkpoint's state has " + (state.length - 3) + " values, this model " + state.length,
        assertThrows(IllegalArgumentException.class, () -> DataParallelFit.fit(DataShards.inMemory(grey(), 3),
            "grey", grey().columns(), options(), 2, Progress.silent(),
            DataParallelFit.Checkpoints.none().resumingFrom(shorter))).getMessage());
    counters.put("rounds", 6L);
    counters.put("step", 12L);
    p.put(DataParallelFit.COUNTERS, counters);
    ModelFile ended = new ModelFile(checkpoint.kind(), checkpoint.config(), p, checkpoint.tensors(),
        checkpoint.float64Tensors());
    assertEquals("the checkpoint's run had ended (step 12 of 12)", assertThrows(IllegalArgumentException.class,
        () -> DataParallelFit.fit(DataShards.inMemory(grey(), 3), "grey", grey().columns(), options(), 2,
            Progress.silent(), DataParallelFit.Checkpoints.none().resumingFrom(ended))).getMessage());
    DataParallelFit.Result model = DataParallelFit.fit(grey(), 3, options(), 2, Progress.silent());
    ModelFile plain = model.model().toFile(model.fileProvenance("in-process"));
    IllegalArgumentException notOne = assertThrows(IllegalArgumentException.class, () -> DataParallelFit.fit(
        DataShards.inMemory(grey(), 3), "grey", grey().columns(), options(), 2, Progress.silent(),
        DataParallelFit.Checkpoints.none().resumingFrom(plain)));
    assertEquals("not a checkpoint of a data-parallel fit (no dataParallel state)", notOne.getMessage());
  }

  @Test
  void unsupportedOptionsAreRefused() {
    assertThrows(ParameterException.class,
        () -> DataParallelFit.fit(grey(), 2, options().withValidationFraction(0.1), 5, Progress.silent()));
  }
}
