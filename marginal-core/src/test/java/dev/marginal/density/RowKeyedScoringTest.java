package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.data.Dataset;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows scored in any company and order get the bits scoring the whole set gives them. */
class RowKeyedScoringTest {
  private static final int N = 2500;
  private static final int D = 12;
  private static final List<DensityModel.ScoreOptions> OPTIONS = List.of(
      new DensityModel.ScoreOptions(DensityModel.Estimator.ELBO, 16, 1, 2),
      new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 8, 1, 3),
      new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 8, 1, 1),
      new DensityModel.ScoreOptions(DensityModel.Estimator.SUMO, 1, 2, 2));

  private static LvmDensityModel model() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(D, 3, new int[] {16}, Activation.TANH,
        DeepLvm.Decoder.BERNOULLI), RngKey.of(1), null);
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < D; j++) {
      cols.add("x" + j);
    }
    return new LvmDensityModel(m, cols, null);
  }

  /** Intensities in [0, 1], so binarization is exercised. */
  private static Dataset data(LvmDensityModel m) {
    return Dataset.of("test", m.columns(), RngKey.of(2).uniforms(N * D));
  }

  private static Dataset rows(Dataset all, int[] which) {
    float[] v = new float[which.length * D];
    for (int r = 0; r < which.length; r++) {
      System.arraycopy(all.values(), which[r] * D, v, r * D, D);
    }
    return Dataset.of("part", all.columns(), v);
  }

  @Test
  void rowsScoredInShuffledPiecesMatchTheWholeSetBitForBit() {
    LvmDensityModel m = model();
    Dataset all = data(m);
    RngKey key = RngKey.of(5);
    List<DensityModel.LogDensity> whole = m.logDensities(all, OPTIONS, key);
    // A fixed shuffle, split into pieces of uneven sizes (1, 37, 1000, the rest), as Spark partitions might be.
    int[] perm = new int[N];
    Arrays.setAll(perm, i -> i);
    RngKey shuffle = RngKey.of(9);
    for (int i = N - 1; i > 0; i--) {
      int j = shuffle.foldIn(i).nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] cuts = {0, 1, 38, 1038, N};
    for (int p = 0; p + 1 < cuts.length; p++) {
      int[] which = Arrays.copyOfRange(perm, cuts[p], cuts[p + 1]);
      long[] ids = Arrays.stream(which).asLongStream().toArray();
      List<DensityModel.LogDensity> part = m.logDensities(rows(all, which), ids, OPTIONS, key);
      for (int e = 0; e < OPTIONS.size(); e++) {
        for (int r = 0; r < which.length; r++) {
          String where = OPTIONS.get(e).estimator() + " row " + which[r];
          assertEquals(whole.get(e).value()[which[r]], part.get(e).value()[r], 0, where);
          assertEquals(whole.get(e).stdErr()[which[r]], part.get(e).stdErr()[r], 0, where);
        }
      }
    }
  }

  @Test
  void fashionMnistSizedModelScoresRowsAloneAsInTheWholeSet() {
    // 784-200-200-50, the IWAE paper's architecture: the matrix products' paths depend on their sizes, and a row's
    // value must not depend on how many rows share its batch.
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(784, 50, new int[] {200, 200}, Activation.TANH,
        DeepLvm.Decoder.BERNOULLI), RngKey.of(3), null);
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < 784; j++) {
      cols.add("p" + j);
    }
    LvmDensityModel model = new LvmDensityModel(m, cols, null);
    int n = 64;
    Dataset all = Dataset.of("fm-sized", cols, RngKey.of(4).uniforms(n * 784));
    List<DensityModel.ScoreOptions> options = List.of(
        new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 5, 1, 2));
    DensityModel.LogDensity whole = model.logDensities(all, options, RngKey.of(6)).get(0);
    int[][] pieces = {{63}, {5, 0, 17, 2, 40, 41, 9}, java.util.stream.IntStream.range(0, 56).toArray()};
    for (int[] which : pieces) {
      float[] v = new float[which.length * 784];
      long[] ids = new long[which.length];
      for (int r = 0; r < which.length; r++) {
        System.arraycopy(all.values(), which[r] * 784, v, r * 784, 784);
        ids[r] = which[r];
      }
      DensityModel.LogDensity part = model.logDensities(Dataset.of("part", cols, v), ids, options, RngKey.of(6))
          .get(0);
      for (int r = 0; r < which.length; r++) {
        assertEquals(whole.value()[which[r]], part.value()[r], 0, "row " + which[r]);
      }
    }
  }

  @Test
  void aRowsRandomnessFollowsItsIdNotItsPosition() {
    LvmDensityModel m = model();
    Dataset all = data(m);
    RngKey key = RngKey.of(5);
    int[] which = {2049, 3};
    List<DensityModel.LogDensity> asIs = m.logDensities(rows(all, which), new long[] {2049, 3}, OPTIONS, key);
    List<DensityModel.LogDensity> misnamed = m.logDensities(rows(all, which), new long[] {2048, 4}, OPTIONS, key);
    for (int e = 0; e < OPTIONS.size(); e++) {
      assertNotEquals(asIs.get(e).value()[0], misnamed.get(e).value()[0], OPTIONS.get(e).toString());
      assertNotEquals(asIs.get(e).value()[1], misnamed.get(e).value()[1], OPTIONS.get(e).toString());
    }
  }

  @Test
  void perDatapointModelsAreRefused() {
    LvmDensityModel m = model().withPerDatapointInference(LocalPosteriorFit.defaults());
    Dataset all = data(m);
    assertThrows(IllegalArgumentException.class,
        () -> m.logDensities(all.head(2), new long[] {0, 1}, OPTIONS, RngKey.of(1)));
  }
}
