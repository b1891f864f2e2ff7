package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DeepLvmFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LatentDecoder}: PPCA's means against W z + b and its encode-then-decode against the closed-form
 * reconstruction; deep LVMs' means against the decoder and, statistically, against their own draws; the rules for
 * the code columns and the refusals.
 */
class LatentDecoderTest {
  private static final Dataset MOONS = ToyData.generate("moons", 400, RngKey.of(1));

  private static Dataset codes(float... values) {
    return Dataset.of("codes", List.of("z0"), values);
  }

  @Test
  void ppcaDecodesToWzPlusBInTheDataSpace() {
    PpcaDensityModel model = PpcaDensityModel.fit(MOONS, 1, true).model();
    double[] b = model.ppca().mean();
    double[][] w = model.ppca().loadings();
    double[] mean = model.standardizer().orElseThrow().mean();
    double[] sd = model.standardizer().orElseThrow().sd();
    float[] z = {-2f, 0f, 0.5f, 3f};
    Dataset x = model.decode(codes(z));
    assertEquals(MOONS.columns(), x.columns());
    for (int i = 0; i < z.length; i++) {
      for (int j = 0; j < 2; j++) {
        double expected = (b[j] + w[j][0] * z[i]) * sd[j] + mean[j];
        assertEquals(expected, x.get(i, j), 1e-6 * (1 + Math.abs(expected)), "row " + i + ", column " + j);
      }
    }
  }

  /** With q = 1, M = wᵀw + σ² is a number: the reconstruction is w wᵀ(x − b)/M + b. */
  @Test
  void ppcaEncodeThenDecodeIsTheClosedFormReconstruction() {
    PpcaDensityModel model = PpcaDensityModel.fit(MOONS, 1, false).model();
    double[] b = model.ppca().mean();
    double[][] w = model.ppca().loadings();
    double m = w[0][0] * w[0][0] + w[1][0] * w[1][0] + model.ppca().noiseVariance();
    Dataset data = MOONS.head(50);
    Dataset encoded = model.encode(data);
    assertEquals(List.of("z0", "var_z0"), encoded.columns());
    Dataset x = model.decode(encoded);
    for (int i = 0; i < data.rows(); i++) {
      double proj = w[0][0] * (data.get(i, 0) - b[0]) + w[1][0] * (data.get(i, 1) - b[1]);
      for (int j = 0; j < 2; j++) {
        double expected = w[j][0] * proj / m + b[j];
        assertEquals(expected, x.get(i, j), 1e-5 * (1 + Math.abs(expected)), "row " + i + ", column " + j);
      }
    }
  }

  /** sample − sampleMeans is σ times the sample's own noise: the same z, as the contract says. */
  @Test
  void ppcaSampleMeansAreTheMeansOfTheSamplesDistributions() {
    PpcaDensityModel model = PpcaDensityModel.fit(MOONS, 1, false).model();
    RngKey key = RngKey.of(7);
    int n = 300;
    Dataset draws = model.sample(key, n);
    Dataset means = model.sampleMeans(key, n);
    double[] eps = new double[n * 2];
    dev.marginal.random.Samplers.normals(key.split(2, 1), eps, 0, eps.length);
    double sigma = Math.sqrt(model.ppca().noiseVariance());
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 2; j++) {
        assertEquals(sigma * eps[i * 2 + j], draws.get(i, j) - means.get(i, j), 1e-5, "row " + i + ", column " + j);
      }
    }
  }

  private static LvmDensityModel lvm(DeepLvm.Decoder decoder, Dataset data) {
    return DeepLvmFit.fit(data, DeepLvmOptions.defaults().withEpochs(2).withHidden(16, 16).withLatentDim(2)
        .withDecoder(decoder).withStandardize(decoder != DeepLvm.Decoder.BERNOULLI)).model();
  }

  /** Binary rows of six pixels: two prototypes with flips. */
  private static Dataset binary() {
    float[] u = RngKey.of(5).uniforms(300 * 7);
    float[] x = new float[300 * 6];
    for (int i = 0; i < 300; i++) {
      boolean first = u[i * 7 + 6] < 0.5f;
      for (int j = 0; j < 6; j++) {
        boolean on = first == (j < 3);
        x[i * 6 + j] = (u[i * 7 + j] < 0.1f) != on ? 1f : 0f;
      }
    }
    return Dataset.of("binary", List.of("a", "b", "c", "d", "e", "f"), x);
  }

  @Test
  void lvmDecodesThroughTheDecoderAndTheStandardization() {
    LvmDensityModel model = lvm(DeepLvm.Decoder.GAUSSIAN, MOONS);
    float[] z = {0.3f, -1.2f, 2f, 0.1f, -0.5f, -0.5f};
    Dataset x = model.decode(Dataset.of("codes", List.of("z0", "z1"), z));
    float[] mu = model.model().decodeMean(Tensor.wrap(z.clone(), 3, 2)).buffer();
    double[] mean = model.standardizer().mean();
    double[] sd = model.standardizer().sd();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        assertEquals(mu[i * 2 + j] * sd[j] + mean[j], x.get(i, j), 1e-5 * (1 + Math.abs(x.get(i, j))));
      }
    }
  }

  @Test
  void bernoulliMeansArePixelProbabilities() {
    LvmDensityModel model = lvm(DeepLvm.Decoder.BERNOULLI, binary());
    Dataset p = model.sampleMeans(RngKey.of(2), 500);
    assertEquals(binary().columns(), p.columns());
    for (float v : p.values()) {
      assertTrue(v > 0 && v < 1, "probability " + v);
    }
  }

  /**
   * Row i of {@code sampleMeans(key, n)} is the mean of the distribution row i of {@code sample(key, n)} is drawn
   * from: per column, the mean of the differences is within four standard errors of 0 (Gaussian and Bernoulli).
   */
  @Test
  void lvmSampleMeansAreTheMeansOfTheSamplesDistributions() {
    for (LvmDensityModel model : List.of(lvm(DeepLvm.Decoder.GAUSSIAN, MOONS),
        lvm(DeepLvm.Decoder.GAUSSIAN_TIED, MOONS), lvm(DeepLvm.Decoder.BERNOULLI, binary()))) {
      int n = 20_000;
      Dataset draws = model.sample(RngKey.of(9), n);
      Dataset means = model.sampleMeans(RngKey.of(9), n);
      for (int j = 0; j < model.dim(); j++) {
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
          double r = draws.get(i, j) - means.get(i, j);
          sum += r;
          sumSq += r * r;
        }
        double mean = sum / n;
        double se = Math.sqrt((sumSq / n - mean * mean) / (n - 1));
        assertTrue(se > 0, "differences have no spread");
        assertTrue(Math.abs(mean) < 4 * se, model.model().config().decoder() + " column " + j + ": mean difference "
            + mean + " ± " + se);
      }
    }
  }

  /** Decoding in blocks (more rows than one block holds) gives each row the bits it gets alone. */
  @Test
  void lvmDecodesEachRowAsAlone() {
    LvmDensityModel model = lvm(DeepLvm.Decoder.GAUSSIAN, MOONS);
    int n = (int) (DeepLvm.SAMPLE_BLOCK_VALUES / model.model().widestLayer()) + 3;
    float[] z = RngKey.of(4).normals(n * 2);
    Dataset all = model.decode(Dataset.of("codes", List.of("z0", "z1"), z));
    for (int i : new int[] {0, 1, n / 2, n - 4, n - 3, n - 1}) {
      Dataset one = model.decode(Dataset.of("code", List.of("z0", "z1"), new float[] {z[2 * i], z[2 * i + 1]}));
      assertArrayEquals(one.row(0), all.row(i), "row " + i);
    }
  }

  @Test
  void codesAreTakenByNameThenByPosition() {
    LvmDensityModel model = lvm(DeepLvm.Decoder.GAUSSIAN, MOONS);
    Dataset byPosition = model.decode(Dataset.of("c", List.of("u", "v"), new float[] {0.5f, -1f}));
    Dataset swapped = model.decode(Dataset.of("c", List.of("z1", "z0"), new float[] {-1f, 0.5f}));
    Dataset withOthers = model.decode(
        Dataset.of("c", List.of("id", "z0", "var_z0", "z1", "var_z1"), new float[] {7f, 0.5f, 9f, -1f, 9f}));
    assertArrayEquals(byPosition.values(), swapped.values());
    assertArrayEquals(byPosition.values(), withOthers.values());
  }

  /** Codes whose decoded rows would not fit one array are refused before anything is allocated for them. */
  @Test
  void refusesMoreCodesThanOneArrayOfDecodedRowsHolds() {
    int d = 1000;
    double[][] w = new double[d][1];
    for (double[] row : w) {
      row[0] = 1;
    }
    PpcaDensityModel model = PpcaDensityModel.of(dev.marginal.models.Ppca.of(new double[d], w, 1),
        FeatureSpace.numbered("x", d), null);
    int n = 2_200_000;
    DataException e = assertThrows(DataException.class, () -> model.decode(codes(new float[n])));
    assertEquals("codes: 2200000 codes decode to 2200000 × 1000 values, more than the "
        + dev.marginal.tensor.Shape.MAX_ARRAY_LENGTH + " one array holds; decode them in parts", e.getMessage());
  }

  @Test
  void refusesCodesOfAnotherWidthNonFiniteCodesAndOverflow() {
    float[] scaled = MOONS.values().clone();
    for (int k = 0; k < scaled.length; k++) {
      scaled[k] *= 1000;
    }
    PpcaDensityModel model = PpcaDensityModel.fit(MOONS.withValues(scaled), 1, false).model();
    DataException wide = assertThrows(DataException.class,
        () -> model.decode(Dataset.of("codes.csv", List.of("a", "b"), new float[] {1, 2})));
    assertEquals("codes.csv: 2 columns ('a', 'b'), but the model's codes have 1: give the columns z0 (as encode"
        + " writes them) or exactly 1 columns", wide.getMessage());
    DataException nan = assertThrows(DataException.class, () -> model.decode(codes(0f, Float.NaN)));
    assertTrue(nan.getMessage().startsWith("codes: "), nan.getMessage());
    assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
    DataException far = assertThrows(DataException.class, () -> model.decode(codes(0f, 1e37f)));
    assertTrue(far.getMessage().startsWith("codes: row 2: decodes to "), far.getMessage());
    assertTrue(far.getMessage().contains("Infinity"), far.getMessage());
  }
}
