package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.io.Version;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Targets;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.SurrogateMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fit fills the same {@link Provenance}: its seed, data or target, the options it ran with, the versions and the
 * wall time; a model file saved from Java stores exactly those fields, and a command line only adds its own.
 */
class ProvenanceTest {
  private static final Dataset MOONS = ToyData.generate("moons", 200, RngKey.of(3));
  /** The fields of a model fitted to data, as {@link Provenance#toMap()} writes them. */
  static final Set<String> DATA_FIELDS = Set.of("seed", "data", "rows", "columns", "options", "marginal_version",
      "java_version", "date", "wall_time_s");

  @TempDir Path dir;

  private static void assertCommon(Provenance p, long seed) {
    assertEquals(seed, p.seed());
    assertEquals(Version.get(), p.marginalVersion());
    assertEquals(Runtime.version().toString(), p.javaVersion());
    assertTrue(p.wallTimeSeconds() >= 0, "wall time " + p.wallTimeSeconds());
    assertNull(p.commandLine());
  }

  private Map<String, Object> saved(ModelFile file) throws Exception {
    Path path = dir.resolve("m" + System.nanoTime() + ".marginal");
    file.write(path);
    return ModelFile.read(path).provenance();
  }

  @Test
  void gaussianMixtureFitRecordsItsSeedDataAndOptions() throws Exception {
    GmmDensityModel.Fitted f = GmmDensityModel.fit(MOONS, GmmOptions.of(3).withSeed(11), true);
    Provenance p = f.provenance();
    assertCommon(p, 11);
    assertEquals(MOONS.source(), p.source());
    assertEquals(200, p.rows());
    assertEquals(MOONS.columns(), p.columns());
    assertEquals(3, p.options().get("components"));
    assertEquals("full", p.options().get("covariance"));
    assertEquals(true, p.options().get("standardize"));
    Map<String, Object> file = saved(f.model().toFile(p));
    assertEquals(DATA_FIELDS, file.keySet());
    assertEquals(11L, file.get("seed"));
    assertEquals(3L, ((Map<?, ?>) file.get("options")).get("components"));
  }

  @Test
  void ppcaFitRecordsItsLatentDimension() throws Exception {
    PpcaDensityModel.Fitted f = PpcaDensityModel.fit(MOONS, 1, false);
    assertCommon(f.provenance(), 0);
    assertEquals(Map.of("latent", 1, "standardize", false), f.provenance().options());
    assertEquals(DATA_FIELDS, saved(f.model().toFile(f.provenance())).keySet());
  }

  @Test
  void deepLvmFitRecordsTheTrainingOptionsAndTheNetworkAsBuilt() throws Exception {
    DeepLvmOptions o = DeepLvmOptions.defaults().withEpochs(1).withSeed(5).withArchitecture(
        new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null));
    DeepLvmFit.Result fit = DeepLvmFit.fit(MOONS, o);
    Provenance p = fit.provenance();
    assertCommon(p, 5);
    assertEquals(MOONS.source(), p.source());
    assertEquals(fit.options().toMap().get("epochs"), p.options().get("epochs"));
    assertEquals("gaussian", p.options().get("decoder"));
    assertEquals("amortized", p.options().get("inference"));
    assertEquals(2, p.options().get("latent"));
    Map<String, Object> file = saved(fit.model().toFile(p));
    assertEquals(DATA_FIELDS, file.keySet());
    assertEquals(MOONS.columns(), file.get("columns"));
  }

  @Test
  void perDatapointFitRecordsTheLocalFitStepsItMadeNotTheDefaultsZero() {
    DeepLvmOptions o = DeepLvmOptions.defaults().withEpochs(1).withSeed(5).withArchitecture(
        new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null)).withPerDatapointInference();
    DeepLvmFit.Result fit = DeepLvmFit.fit(ToyData.generate("moons", 40, RngKey.of(3)), o);
    assertEquals(dev.marginal.density.LocalPosteriorFit.DEFAULT_STEPS, fit.model().localFit().steps());
    assertEquals(fit.model().localFit().steps(), fit.provenance().options().get("localSteps"));
  }

  @Test
  void surrogateTrainingRecordsTheTargetAndItsOptions() throws Exception {
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(5).withSeed(9);
    SurrogateTraining.Result r = SurrogateTraining.train(Targets.of("funnel"), o,
        SurrogateTraining.Control.none().withEvaluation(0, SurrogateMetrics.Settings.quick()));
    Provenance p = r.provenance();
    assertCommon(p, 9);
    assertEquals("funnel", p.source());
    assertEquals(0, p.rows());
    assertEquals(o.toMap().keySet(), p.options().keySet());
    Map<String, Object> file = saved(r.model().toFile(p));
    assertEquals(Set.of("seed", "target", "options", "marginal_version", "java_version", "date", "wall_time_s"),
        file.keySet());
    assertEquals("funnel", file.get("target"));
  }

  @Test
  void aCommandLineIsTheOnlyFieldAFrontEndAdds() {
    Provenance p = PpcaDensityModel.fit(MOONS, 1, false).provenance();
    Map<String, Object> withLine = p.withCommandLine("marginal fit --model ppca").toMap();
    Map<String, Object> plain = p.toMap();
    assertFalse(plain.containsKey("command_line"));
    assertEquals("marginal fit --model ppca", withLine.remove("command_line"));
    assertEquals(plain, withLine);
  }

  @Test
  void theGmmSeedIsTheOneTheKeyWasMadeFrom() {
    for (long seed : List.of(0L, 1L, -7L, 123456789L)) {
      assertEquals(seed, GmmOptions.of(2).withSeed(seed).toMap().get("seed"));
    }
  }
}
