package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Json;
import dev.marginal.models.DeepLvm;
import dev.marginal.io.ModelFile;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings in a model file are range-checked when the model is rebuilt: no wrapped sizes, no endless fits. */
class HostileModelConfigTest {
  /** A per-datapoint model's file, its config as a reader sees it (through JSON). */
  private static ModelFile perDatapointFile() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {4}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    ModelFile f = new LvmDensityModel(m, List.of("x0", "x1"), null)
        .withPerDatapointInference(LocalPosteriorFit.defaults()).toFile(Map.of());
    return withConfig(f, "inference", LvmDensityModel.PER_DATAPOINT);
  }

  private static ModelFile withConfig(ModelFile f, String key, Object value) {
    Map<String, Object> cfg = new LinkedHashMap<>(f.config());
    cfg.put(key, value);
    return new ModelFile(f.kind(), Json.parseObject(Json.write(cfg)), f.provenance(), f.tensors(),
        f.float64Tensors());
  }

  private static String refused(ModelFile f) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.fromFile(f));
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void unmodifiedFileLoads() {
    assertEquals(LocalPosteriorFit.defaults(), ((LvmDensityModel) Models.fromFile(perDatapointFile())).localFit());
  }

  @Test
  void localFitStepsThatWouldRunForeverAreRefused() {
    String m = refused(withConfig(perDatapointFile(), "localFitSteps", 1_000_000_000L));
    assertTrue(m.contains("local fit steps must be in [0, " + LocalPosteriorFit.MAX_STEPS + "]"), m);
    assertTrue(refused(withConfig(perDatapointFile(), "localFitSteps", 4294967496L)).contains("localFitSteps"));
    assertTrue(refused(withConfig(perDatapointFile(), "localFitSamples", 1L << 20)).contains("local fit samples"));
    assertTrue(refused(withConfig(perDatapointFile(), "localFitLearningRate", -1.0)).contains("learning rate"));
  }

  @Test
  void configFieldsOfTheWrongJsonTypeAreNamedNotCast() {
    ModelFile pd = perDatapointFile();
    assertEquals("invalid lvm model: model config 'localFitLearningRate' must be a number, got null",
        refused(withConfig(pd, "localFitLearningRate", null)));
    assertEquals("invalid lvm model: model config 'localFitLearningRate' must be a number, got '0.1'",
        refused(withConfig(pd, "localFitLearningRate", "0.1")));
    assertEquals("invalid lvm model: model config 'localFitSteps' must be an integer, got [1, 2]",
        refused(withConfig(pd, "localFitSteps", List.of(1L, 2L))));
    assertEquals("invalid lvm model: model config 'columns' must be a list of strings, got 'x'",
        refused(withConfig(pd, "columns", "x")));
    assertEquals("invalid lvm model: model config 'columns' must be a list of strings, got [null, null]",
        refused(withConfig(pd, "columns", java.util.Arrays.asList(null, null))));
    assertEquals("invalid lvm model: model config 'standardizeMean' must be a list of numbers, got an object of 1 "
        + "field", refused(withConfig(withConfig(pd, "standardizeSd", List.of(1.0, 1.0)), "standardizeMean",
            Map.of("a", 1L))));
    assertEquals("invalid lvm model: model config 'inference' must be a string, got 1",
        refused(withConfig(pd, "inference", 1L)));
    assertEquals("invalid lvm model: model config 'supportUpper' must be a list of bounds, got null",
        refused(withConfig(pd, "supportLower", List.of("-inf", "-inf"))));
  }

  @Test
  void gmmColumnsAndStandardizeOfTheWrongJsonTypeAreNamed() {
    ModelFile g = GmmDensityModel.fit(dev.marginal.data.DataSources.load("toy:moons?n=40&seed=1"),
        dev.marginal.models.GmmOptions.of(1), false).model().toFile(Map.of());
    assertEquals("invalid gmm model: model config 'columns' must be a list of strings, got [1, 2]",
        refused(withConfig(g, "columns", List.of(1L, 2L))));
    assertEquals("invalid gmm model: model config 'standardize' must be true or false, got 'yes'",
        refused(withConfig(g, "standardize", "yes")));
  }

  @Test
  void architectureSizesBeyondIntAreNotWrapped() {
    // 4294967298 narrowed to int is 2, the true data dimension: it must not load as a 2-D model.
    String m = refused(withConfig(perDatapointFile(), "dataDim", 4294967298L));
    assertTrue(m.contains("'dataDim' must be an integer from 1 to"), m);
    assertTrue(refused(withConfig(perDatapointFile(), "hidden", List.of(4.5))).contains("'hidden'"));
  }

  @Test
  void fullCovarianceSizeOverflowIsCaught() {
    // 65536^2 = 2^32 wraps to 0 in int arithmetic, which an empty covariance tensor would then match.
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("components", 1L);
    cfg.put("dim", 65536L);
    cfg.put("covariance", "full");
    Map<String, ModelFile.Float64> t = new LinkedHashMap<>();
    t.put("weights", ModelFile.Float64.of(new double[] {1}));
    t.put("means", ModelFile.Float64.of(new double[65536]));
    t.put("covariances", ModelFile.Float64.of(new double[0]));
    String m = refused(new ModelFile(GmmDensityModel.KIND, cfg, Map.of(), Map.of(), t));
    assertTrue(m.contains("'covariances' would have more than"), m);
  }
}
