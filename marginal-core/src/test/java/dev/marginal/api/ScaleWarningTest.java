package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DeepLvmFit#warnings}: a Gaussian decoder asked to fit columns as given on scales where it learned worse than
 * on standardized ones is warned of, by the worst column; standardized fits, Bernoulli decoders and data on the
 * scales of the toy sets are not.
 */
class ScaleWarningTest {
  private static final Dataset MOONS = ToyData.generate("moons", 400, RngKey.of(3));

  private static Dataset scaled(Dataset data, float... factors) {
    float[] v = data.values().clone();
    for (int k = 0; k < v.length; k++) {
      v[k] *= factors[k % factors.length];
    }
    return Dataset.of("scaled", data.columns(), v);
  }

  @Test
  void theToySetsAsGivenGetNoWarning() {
    for (String name : List.of("moons", "8gaussians", "rings", "checkerboard", "pinwheel", "2spirals", "circles",
        "funnel")) {
      Dataset d = ToyData.generate(name, 2000, RngKey.of(1));
      assertEquals(List.of(), DeepLvmFit.warnings(d, DeepLvmOptions.defaults()), name);
    }
  }

  @Test
  void columnsFarFromUnitScaleAreNamedByTheWorst() {
    Dataset wide = scaled(MOONS, 100f, 0.001f);
    double sdX1 = dev.marginal.data.Standardizer.fit(wide).sd()[1];
    List<String> w = DeepLvmFit.warnings(wide, DeepLvmOptions.defaults());
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).startsWith(String.format(java.util.Locale.ROOT, "scaled: column 'x1' has standard deviation"
        + " %.3g (2 of 2 columns lie outside); a gaussian decoder", sdX1)), w.get(0));
    assertTrue(w.get(0).endsWith("between 0.5 and 6: standardize fits standardized columns (the scores stay in the"
        + " data's units)"), w.get(0));
    List<String> one = DeepLvmFit.warnings(scaled(MOONS, 10f, 1f), DeepLvmOptions.defaults());
    assertTrue(one.get(0).startsWith("scaled: column 'x0' has standard deviation 17."), one.toString());
    assertTrue(!one.get(0).contains("lie outside"), one.toString());
  }

  @Test
  void standardizedFitsAndBernoulliDecodersGetNone() {
    Dataset wide = scaled(MOONS, 100f, 0.001f);
    assertEquals(List.of(), DeepLvmFit.warnings(wide, DeepLvmOptions.defaults().withStandardize(true)));
    float[] bits = new float[400 * 3];
    for (int k = 0; k < bits.length; k += 7) {
      bits[k] = 1;
    }
    Dataset binary = Dataset.of("bits", List.of("a", "b", "c"), bits);
    assertEquals(List.of(), DeepLvmFit.warnings(binary, DeepLvmOptions.defaults()));
    assertEquals(1, DeepLvmFit.warnings(binary, DeepLvmOptions.defaults().withDecoder(DeepLvm.Decoder.GAUSSIAN))
        .size());
  }

  @Test
  void theFitReturnsTheSameWarnings() {
    Dataset wide = scaled(MOONS, 30f);
    DeepLvmOptions options = DeepLvmOptions.defaults().withEpochs(1).withHidden(8);
    DeepLvmFit.Result r = DeepLvmFit.fit(wide, options);
    assertEquals(DeepLvmFit.warnings(wide, options), r.warnings());
    assertEquals(1, r.warnings().size());
    assertEquals(List.of(), DeepLvmFit.fit(MOONS, options).warnings());
  }
}
