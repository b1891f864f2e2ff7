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

  /** The same model's file with an amortized encoder, whose tensors the file holds. */
  private static ModelFile amortizedFile() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {4}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    return withConfig(new LvmDensityModel(m, List.of("x0", "x1"), null).toFile(Map.of()), "inference", "amortized");
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
    assertEquals("invalid lvm model: model config 'activation' must be a string, got null",
        refused(withConfig(pd, "activation", null)));
    assertEquals("invalid lvm model: model config 'decoder' must be a string, got ['gaussian']",
        refused(withConfig(pd, "decoder", List.of("gaussian"))));
    assertEquals("invalid lvm model: model config 'hidden' must be a list of integers, got 4",
        refused(withConfig(pd, "hidden", 4L)));
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
    assertEquals("invalid gmm model: model config 'covariance' must be a string, got null",
        refused(withConfig(g, "covariance", null)));
  }

  @Test
  void columnsNamedTwiceAreRefusedWhenTheFileIsRead() {
    // They loaded, and scoring then blamed the data ("toy:moons?n=5&seed=0: duplicate column 'x0'").
    ModelFile g = GmmDensityModel.fit(dev.marginal.data.DataSources.load("toy:moons?n=40&seed=1"),
        dev.marginal.models.GmmOptions.of(1), false).model().toFile(Map.of());
    assertEquals("invalid gmm model: config 'columns' lists the column 'x0' twice",
        refused(withConfig(g, "columns", List.of("x0", "x0"))));
    assertEquals("invalid lvm model: config 'columns' lists the column 'x1' twice",
        refused(withConfig(amortizedFile(), "columns", List.of("x1", "x1"))));
    assertEquals("invalid lvm model: config 'columns' lists the column 'x0' twice",
        refused(withConfig(perDatapointFile(), "columns", List.of("x0", "x0"))));
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {4}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LvmDensityModel(m, List.of("a", "a"), null));
    assertEquals("the list of columns lists the column 'a' twice", e.getMessage());
  }

  @Test
  void architectureSizesBeyondIntAreNotWrapped() {
    // 4294967298 narrowed to int is 2, the true data dimension: it must not load as a 2-D model.
    String m = refused(withConfig(perDatapointFile(), "dataDim", 4294967298L));
    assertTrue(m.contains("'dataDim' must be an integer from 1 to"), m);
    assertTrue(refused(withConfig(perDatapointFile(), "hidden", List.of(4.5))).contains("'hidden'"));
  }

  @Test
  void sizesWhoseLayersWouldOverflowAreRefusedNamingTheFieldAndItsBound() {
    // 2 * 2147483647 wraps to -2: the encoder's output size.
    assertEquals("invalid lvm model: model config 'latentDim' must be an integer from 1 to 1073741823, got "
        + "2147483647", refused(withConfig(perDatapointFile(), "latentDim", 2147483647L)));
    assertEquals("invalid lvm model: model config 'dataDim' must be an integer from 1 to 1073741823, got "
        + "2147483647", refused(withConfig(perDatapointFile(), "dataDim", 2147483647L)));
    assertEquals("invalid lvm model: model config 'hidden' must be an integer from 1 to 1073741823, got "
        + "2147483646", refused(withConfig(perDatapointFile(), "hidden", List.of(2147483646L))));
    // Each size in range, but a weight matrix of 2 * 1073741823 values is more than one array holds.
    assertEquals("invalid lvm model: the encoder's layer from dataDim (2) to hidden[0] (1073741823) would have "
        + "2147483646 weights, more than the 2147483639 one array holds",
        refused(withConfig(perDatapointFile(), "hidden", List.of(1073741823L))));
  }

  @Test
  void anArchitectureWhoseSizesWouldOverflowIsRefusedBeforeAnythingIsAllocated() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DeepLvm.Config(2,
        Integer.MAX_VALUE, new int[] {8}, Activation.TANH, DeepLvm.Decoder.BERNOULLI));
    assertEquals("latentDim must be from 1 to 1073741823, got 2147483647", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new DeepLvm.Config(1 << 30, 2, new int[] {8},
        Activation.TANH, DeepLvm.Decoder.GAUSSIAN));
    assertEquals("dataDim must be from 1 to 1073741823, got 1073741824", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new DeepLvm.Config(2, 2, new int[] {65536, 65536},
        Activation.TANH, DeepLvm.Decoder.GAUSSIAN));
    assertEquals("the encoder's layer from hidden[0] (65536) to hidden[1] (65536) would have 4294967296 weights, "
        + "more than the 2147483639 one array holds", e.getMessage());
  }

  @Test
  void sizesTheTensorsDoNotHaveAreRefusedNamingBoth() {
    assertEquals("invalid lvm model: model tensor 'encoder.w0' has shape [2, 4], but the config's dataDim 3 and "
        + "hidden[0] 4 make it [3, 4]", refused(withConfig(amortizedFile(), "dataDim", 3L)));
    assertEquals("invalid lvm model: model tensor 'encoder.w0' has shape [2, 4], but the config's dataDim 2 and "
        + "hidden[0] 5 make it [2, 5]", refused(withConfig(amortizedFile(), "hidden", List.of(5L))));
    assertEquals("invalid lvm model: model tensor 'encoder.w1' has shape [4, 4], but the config's hidden[0] 4 and "
        + "2·latentDim 6 make it [4, 6]", refused(withConfig(amortizedFile(), "latentDim", 3L)));
    assertEquals("invalid lvm model: model has no tensor 'encoder.w2'",
        refused(withConfig(amortizedFile(), "hidden", List.of(4L, 4L))));
    assertEquals("invalid lvm model: model has tensor 'encoder.w1', but the config's hidden [] gives the encoder "
        + "1 layer", refused(withConfig(amortizedFile(), "hidden", List.of())));
    // A per-datapoint model's file holds no encoder (format version 2): the decoder's tensors are checked alike, and
    // before the stand-in encoder is made: 40000 × 40000 zeros (6.4 GB) would be the config's word alone.
    assertTrue(refused(withConfig(perDatapointFile(), "hidden", List.of(40000L, 40000L))).contains("'decoder.w0'"));
    assertEquals("invalid lvm model: model tensor 'decoder.w1' has shape [4, 4], but the config's hidden[0] 4 and "
        + "2·dataDim 6 make it [4, 6]", refused(withConfig(perDatapointFile(), "dataDim", 3L)));
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
