package dev.marginal.density;

import dev.marginal.data.Dataset;
import dev.marginal.models.Ppca;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PpcaDensityModelTest {
  @TempDir Path dir;

  /** 200 points in 4-D: two latent factors, unequal column scales, plus noise. */
  private static Dataset data() {
    float[] z = RngKey.of(3).normals(200 * 2);
    float[] e = RngKey.of(4).normals(200 * 4);
    float[] x = new float[200 * 4];
    for (int i = 0; i < 200; i++) {
      x[i * 4] = 10 * z[2 * i] + 0.1f * e[4 * i];
      x[i * 4 + 1] = z[2 * i] - z[2 * i + 1] + 0.1f * e[4 * i + 1];
      x[i * 4 + 2] = 100 + 0.5f * z[2 * i + 1] + 0.1f * e[4 * i + 2];
      x[i * 4 + 3] = 0.1f * e[4 * i + 3];
    }
    return Dataset.of("factors", List.of("a", "b", "c", "d"), x);
  }

  private static double[][] rows(Dataset data) {
    double[][] x = new double[data.rows()][data.cols()];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < data.cols(); j++) {
        x[i][j] = data.get(i, j);
      }
    }
    return x;
  }

  @Test
  void logDensityIsThePpcaLogProbWithoutStandardization() {
    PpcaDensityModel.Fitted f = PpcaDensityModel.fit(data(), 2, false);
    double[] lp = f.model().logDensity(data(), DensityModel.ScoreOptions.exact(), null).value();
    assertArrayEquals(f.model().ppca().logProb(rows(data())), lp, 0.0);
  }

  @Test
  void standardizedLogDensityAddsTheLogJacobian() {
    PpcaDensityModel model = PpcaDensityModel.fit(data(), 2, true).model();
    double[] mean = model.standardizer().orElseThrow().mean();
    double[] sd = model.standardizer().orElseThrow().sd();
    double[][] x = rows(data());
    double[] lp = model.logDensity(data(), DensityModel.ScoreOptions.exact(), null).value();
    for (int i = 0; i < x.length; i++) {
      double jacobian = 0;
      for (int j = 0; j < 4; j++) {
        x[i][j] = (x[i][j] - mean[j]) / sd[j];
        jacobian -= Math.log(sd[j]);
      }
      assertEquals(model.ppca().logProb(x[i]) + jacobian, lp[i], 1e-12);
    }
  }

  @Test
  void roundTripThroughAFileIsBitExact() throws IOException {
    for (boolean standardize : new boolean[] {false, true}) {
      PpcaDensityModel model = PpcaDensityModel.fit(data(), 2, standardize).model();
      Path p = dir.resolve("p" + standardize + ".marginal");
      model.toFile(Map.of()).write(p);
      PpcaDensityModel back = (PpcaDensityModel) Models.read(p);
      assertArrayEquals(model.ppca().loadings(), back.ppca().loadings());
      assertEquals(model.ppca().noiseVariance(), back.ppca().noiseVariance());
      assertEquals(model.standardizer(), back.standardizer());
      assertArrayEquals(model.logDensity(data(), DensityModel.ScoreOptions.exact(), null).value(),
          back.logDensity(data(), DensityModel.ScoreOptions.exact(), null).value(), 0.0);
      assertArrayEquals(model.encode(data()).values(), back.encode(data()).values());
    }
  }

  @Test
  void encodeGivesPosteriorMeansThenVariances() {
    PpcaDensityModel model = PpcaDensityModel.fit(data(), 2, false).model();
    Dataset enc = model.encode(data());
    assertEquals(List.of("z0", "z1", "var_z0", "var_z1"), enc.columns());
    Ppca.Posterior post = model.ppca().posterior(rows(data())[7]);
    assertEquals(post.mean()[1], enc.get(7, 1), 1e-6 * (1 + Math.abs(post.mean()[1])));
    assertEquals(post.covariance()[0][0], enc.get(7, 2), 1e-6 * post.covariance()[0][0]);
  }

  @Test
  void sampleHasTheModelsColumnsAndScale() {
    PpcaDensityModel model = PpcaDensityModel.fit(data(), 2, true).model();
    Dataset s = model.sample(RngKey.of(9), 4000);
    assertEquals(List.of("a", "b", "c", "d"), s.columns());
    double mean = 0;
    for (int i = 0; i < s.rows(); i++) {
      mean += s.get(i, 2) / s.rows();
    }
    // Column c has mean ~100 and sd ~0.5; the sample mean's standard error is about 0.5 / sqrt(4000).
    double target = model.standardizer().orElseThrow().mean()[2];
    double se = model.standardizer().orElseThrow().sd()[2] / Math.sqrt(s.rows());
    assertEquals(target, mean, 4 * se);
  }

  @Test
  void unknownKindIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Models.fromFile(new dev.marginal.io.ModelFile("flow", Map.of(), Map.of(), Map.of())));
    assertEquals("unknown model kind 'flow' (this build reads gmm, ppca, lvm)", e.getMessage());
  }
}
