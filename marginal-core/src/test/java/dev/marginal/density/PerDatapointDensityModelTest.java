package dev.marginal.density;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerDatapointDensityModelTest {
  @TempDir Path dir;

  private static final Dataset DATA = ToyData.generate("moons", 30, RngKey.of(2));

  private static LvmDensityModel model() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    return new LvmDensityModel(m, List.of("x0", "x1"), null)
        .withPerDatapointInference(LocalPosteriorFit.defaults().withSteps(40));
  }

  @Test
  void modelFileRecordsPerDatapointInferenceAndItsFit() throws IOException {
    LvmDensityModel m = model();
    m.toFile(Map.of()).write(dir.resolve("pdp.marginal"));
    ModelFile file = ModelFile.read(dir.resolve("pdp.marginal"));
    assertEquals(LvmDensityModel.PER_DATAPOINT, file.config().get("inference"));
    LvmDensityModel read = LvmDensityModel.fromFile(file);
    assertTrue(read.perDatapoint());
    assertEquals(m.localFit(), read.localFit());
    new LvmDensityModel(m.model(), m.columns(), null).toFile(Map.of()).write(dir.resolve("amortized.marginal"));
    assertTrue(!LvmDensityModel.fromFile(ModelFile.read(dir.resolve("amortized.marginal"))).perDatapoint(),
        "files without the entry are amortized");
  }

  /**
   * A per-datapoint model's file leaves out the encoder, which nothing reads, and says so by its format version (2),
   * while an amortized model's file keeps it and stays version 1; the file read back scores bit for bit as the model
   * written, and so does a file as 0.2.0 wrote it (version 1, encoder included).
   */
  @Test
  void modelFileLeavesOutTheUnusedEncoder() throws IOException {
    LvmDensityModel m = model();
    m.toFile(Map.of()).write(dir.resolve("pdp.marginal"));
    ModelFile file = ModelFile.read(dir.resolve("pdp.marginal"));
    assertEquals(2, file.version());
    assertTrue(file.tensors().keySet().stream().noneMatch(k -> k.startsWith(DeepLvm.ENCODER_PREFIX)),
        file.tensors().keySet().toString());
    assertEquals(m.model().decoderParameters().size() + 0L, file.tensors().size(),
        file.tensors().keySet().toString());
    DensityModel.ScoreOptions iwae = new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 50, 1, 1);
    double[] expected = m.logDensity(DATA, iwae, RngKey.of(3)).value();
    assertArrayEquals(expected, LvmDensityModel.fromFile(file).logDensity(DATA, iwae, RngKey.of(3)).value());
    assertEquals(m.describe(), LvmDensityModel.fromFile(file).describe());

    ModelFile asBefore = new ModelFile(file.kind(), file.config(), file.provenance(), m.model().tensors());
    asBefore.write(dir.resolve("pdp-0.2.0.marginal"));
    ModelFile old = ModelFile.read(dir.resolve("pdp-0.2.0.marginal"));
    assertEquals(1, old.version());
    assertArrayEquals(expected, LvmDensityModel.fromFile(old).logDensity(DATA, iwae, RngKey.of(3)).value());

    ModelFile amortized = new LvmDensityModel(m.model(), m.columns(), null).toFile(Map.of());
    assertEquals(1, amortized.version());
    assertTrue(amortized.tensors().containsKey(DeepLvm.ENCODER_PREFIX + "w0"));
  }

  /** The tied decoder's log-variance, the one tensor outside the two networks, comes back too. */
  @Test
  void aTiedDecodersFileWithoutItsEncoderScoresAsTheModel() throws IOException {
    DeepLvm tied = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN_TIED), RngKey.of(1), null);
    LvmDensityModel m = new LvmDensityModel(tied, List.of("x0", "x1"), null)
        .withPerDatapointInference(LocalPosteriorFit.defaults().withSteps(40));
    m.toFile(Map.of()).write(dir.resolve("tied.marginal"));
    ModelFile file = ModelFile.read(dir.resolve("tied.marginal"));
    assertTrue(file.tensors().containsKey(DeepLvm.TIED_LOG_VAR), file.tensors().keySet().toString());
    DensityModel.ScoreOptions iwae = new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 50, 1, 1);
    assertArrayEquals(m.logDensity(DATA, iwae, RngKey.of(3)).value(),
        LvmDensityModel.fromFile(file).logDensity(DATA, iwae, RngKey.of(3)).value());
  }

  /** A file whose config says amortized but which holds no encoder is refused, naming the missing tensor. */
  @Test
  void anAmortizedModelWithoutItsEncoderIsRefused() throws IOException {
    ModelFile file = model().toFile(Map.of());
    Map<String, Object> cfg = new java.util.LinkedHashMap<>(file.config());
    cfg.remove("inference");
    ModelFile amortized = new ModelFile(file.kind(), cfg, file.provenance(), file.tensors());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> LvmDensityModel.fromFile(amortized));
    assertTrue(e.getMessage().contains("encoder.w0"), e.getMessage());
  }

  @Test
  void fittedPosteriorsScoreAtLeastAsWellAsThePrior() {
    // The fit starts at the prior and ascends the ELBO, so the ELBO with the fitted q must beat the prior's.
    LvmDensityModel m = model();
    DensityModel.ScoreOptions elbo = new DensityModel.ScoreOptions(DensityModel.Estimator.ELBO, 200, 1, 1);
    double fitted = m.logDensity(DATA, elbo, RngKey.of(3)).mean();
    double prior = new LvmDensityModel(m.model(), m.columns(), null)
        .withPerDatapointInference(LocalPosteriorFit.defaults().withSteps(0))
        .logDensity(DATA, elbo, RngKey.of(3)).mean();
    assertTrue(fitted > prior, "ELBO with fitted q " + fitted + " vs prior " + prior);
  }

  @Test
  void severalEstimatorsInOneCallGiveWhatEachGivesAlone() {
    // IWAE-5000 scores three rows per pass, so its passes cut the one shared fit into slices.
    List<DensityModel.ScoreOptions> options = List.of(
        new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 5000, 1, 1),
        new DensityModel.ScoreOptions(DensityModel.Estimator.ELBO, 1, 1, 1),
        new DensityModel.ScoreOptions(DensityModel.Estimator.SUMO, 1, 4, 2));
    LvmDensityModel perDatapoint = model();
    LvmDensityModel amortized = new LvmDensityModel(perDatapoint.model(), perDatapoint.columns(), null);
    for (LvmDensityModel m : List.of(perDatapoint, amortized)) {
      List<DensityModel.LogDensity> together = m.logDensities(DATA, options, RngKey.of(5));
      for (int i = 0; i < options.size(); i++) {
        DensityModel.LogDensity alone = m.logDensity(DATA, options.get(i), RngKey.of(5));
        assertArrayEquals(alone.value(), together.get(i).value(), m.perDatapoint() + " " + options.get(i));
        assertArrayEquals(alone.stdErr(), together.get(i).stdErr(), m.perDatapoint() + " " + options.get(i));
        assertEquals(alone.estimator(), together.get(i).estimator());
      }
    }
  }

  @Test
  void encodingIsDeterministicAndScoringLeavesTheDecoderAlone() {
    LvmDensityModel m = model();
    float[] before = m.model().decoderParameters().get(0).value().toArray();
    float[] grad = m.model().decoderParameters().get(0).gradBuffer().clone();
    Dataset a = m.encode(DATA);
    m.logDensity(DATA, new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 5, 1, 1), RngKey.of(4));
    assertArrayEquals(a.values(), m.encode(DATA).values());
    assertArrayEquals(before, m.model().decoderParameters().get(0).value().toArray());
    assertArrayEquals(grad, m.model().decoderParameters().get(0).gradBuffer(), "no gradient reaches the decoder");
  }
}
