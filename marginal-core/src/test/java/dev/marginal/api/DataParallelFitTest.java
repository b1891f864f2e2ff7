package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.autodiff.Parameter;
import dev.marginal.config.ParameterException;
import dev.marginal.data.Dataset;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.train.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The data-parallel recipe: one shard is {@link DeepLvmFit}'s fit; its model files read back like any other. */
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

  @Test
  void unsupportedOptionsAreRefused() {
    assertThrows(ParameterException.class,
        () -> DataParallelFit.fit(grey(), 2, options().withValidationFraction(0.1), 5, Progress.silent()));
  }
}
