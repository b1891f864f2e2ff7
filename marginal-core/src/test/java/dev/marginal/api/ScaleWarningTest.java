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
    double[] sd = dev.marginal.data.Standardizer.fit(wide).sd();
    List<String> w = DeepLvmFit.warnings(wide, DeepLvmOptions.defaults());
    assertEquals(List.of(String.format(java.util.Locale.ROOT, "scaled: standard deviation outside 0.5 to 6 in 2 of 2"
        + " columns: 'x0' (%.4g), 'x1' (%.4g); a gaussian decoder fits such columns worse as given than standardized"
        + " (BENCHMARKS.md): standardize fits standardized columns (the scores stay in the data's units)", sd[0],
        sd[1])), w);
    List<String> one = DeepLvmFit.warnings(scaled(MOONS, 10f, 1f), DeepLvmOptions.defaults());
    assertTrue(one.get(0).startsWith("scaled: standard deviation outside 0.5 to 6 in column 'x0' (17."),
        one.toString());
  }

  /** Four significant digits, so that a value just outside the range does not print as its edge. */
  @Test
  void theColumnsOutsideAreListedWithEnoughDigits() {
    float[] v = new float[400 * 5];
    float[] n = RngKey.of(8).normals(400 * 5);
    float[] sds = {6.001f, 1f, 0.4999f, 100f, 200f};
    for (int k = 0; k < v.length; k++) {
      v[k] = n[k] * sds[k % 5];
    }
    Dataset d = Dataset.of("five", List.of("a", "b", "c", "d", "e"), v);
    double[] sd = dev.marginal.data.Standardizer.fit(d).sd();
    float[] exact = v.clone();
    for (int k = 0; k < exact.length; k++) {
      int j = k % 5;
      exact[k] = (float) (v[k] * (sds[j] / sd[j])); // rescaled so each column's sd is the one above
    }
    Dataset rescaled = Dataset.of("five", d.columns(), exact);
    String w = DeepLvmFit.warnings(rescaled, DeepLvmOptions.defaults()).get(0);
    assertTrue(w.startsWith("five: standard deviation outside 0.5 to 6 in 4 of 5 columns: 'a' (6.001), 'c' (0.4999),"
        + " 'd' (100.0) and 1 more; "), w);
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
