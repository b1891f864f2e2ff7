package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.data.Dataset;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Support;
import dev.marginal.targets.SupportBijection;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved reverse-KL surrogate of a bounded target samples and scores on its support. */
class SupportedLvmDensityModelTest {
  private static final Support BOX = Support.of(new double[] {-4, 0}, new double[] {4, Double.POSITIVE_INFINITY});
  private static final DensityModel.ScoreOptions IWAE = new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE,
      50, 1, 1);

  private static LvmDensityModel onLine() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    return new LvmDensityModel(m, List.of("x0", "x1"), null);
  }

  @Test
  void samplesLieOnTheSupportAndScoresIncludeTheLogJacobian() {
    LvmDensityModel line = onLine();
    LvmDensityModel boxed = line.withSupport(BOX);
    Dataset x = boxed.sample(RngKey.of(2), 2000);
    assertEquals(0, BOX.fractionOutside(Tensor.wrap(x.values(), 2000, 2)), 0);
    // log q_X(x) = log q_Y(T⁻¹(x)) − log |det J_T(T⁻¹(x))|, with the same estimator key.
    SupportBijection t = BOX.bijection();
    Tensor y = t.inverse(Tensor.wrap(x.values(), 2000, 2));
    double[] onY = line.logDensity(Dataset.of("y", line.columns(), y.buffer()), IWAE, RngKey.of(3)).value();
    double[] onX = boxed.logDensity(x, IWAE, RngKey.of(3)).value();
    float[] logDet = t.logAbsDetJacobian(Tape.forEvaluation().constant(y)).value().buffer();
    for (int i = 0; i < 2000; i++) {
      assertEquals(onY[i] - logDet[i], onX[i], 1e-4 * Math.max(1, Math.abs(onX[i])), "row " + i);
    }
  }

  @Test
  void pointsOutsideTheSupportHaveZeroDensityAndCannotBeEncoded() {
    LvmDensityModel boxed = onLine().withSupport(BOX);
    Dataset x = Dataset.of("pts", boxed.columns(), new float[] {0f, 1f, 5f, 1f, 0f, -0.5f, 4f, 0f});
    double[] v = boxed.logDensity(x, IWAE, RngKey.of(4)).value();
    assertTrue(Double.isFinite(v[0]), "inside: " + v[0]);
    assertEquals(Double.NEGATIVE_INFINITY, v[1], "x0 = 5 outside [-4, 4]");
    assertEquals(Double.NEGATIVE_INFINITY, v[2], "x1 = -0.5 below 0");
    assertEquals(Double.NEGATIVE_INFINITY, v[3], "x0 = 4 on the boundary, where T⁻¹ is infinite");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> boxed.encode(x));
    assertTrue(e.getMessage().contains("row 2"), e.getMessage());
  }

  @Test
  void theSupportSurvivesTheModelFile(@TempDir Path dir) throws IOException {
    LvmDensityModel boxed = onLine().withSupport(BOX);
    Path f = dir.resolve("boxed.marginal");
    boxed.toFile(Map.of()).write(f);
    LvmDensityModel back = LvmDensityModel.fromFile(ModelFile.read(f));
    assertEquals(BOX, back.support());
    assertEquals(boxed.sample(RngKey.of(5), 10).values()[3], back.sample(RngKey.of(5), 10).values()[3], 0);
    assertTrue(LvmDensityModel.fromFile(ModelFile.read(write(onLine(), dir))).support().isReal());
  }

  private static Path write(LvmDensityModel m, Path dir) throws IOException {
    Path f = dir.resolve("line.marginal");
    m.toFile(Map.of()).write(f);
    return f;
  }
}
