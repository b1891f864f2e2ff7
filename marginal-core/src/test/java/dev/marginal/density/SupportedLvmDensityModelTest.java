package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.estimators.Ais;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Support;
import dev.marginal.targets.SupportBijection;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
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

  /**
   * The model maps onto the open box, so a row on its boundary is refused like one beyond it, by scoring, AIS,
   * encoding and latent activity alike, while a row a float32 step inside is scored.
   */
  @Test
  void rowsOnOrOutsideTheSupportAreRefusedByEveryMethodAndRowsJustInsideAreScored() {
    LvmDensityModel boxed = onLine().withSupport(BOX);
    float inside = Math.nextDown(4f);
    Dataset near = Dataset.of("near", boxed.columns(), new float[] {0f, 1f, inside, Math.nextUp(0f), -inside, 1e6f});
    assertTrue(Arrays.stream(boxed.logDensity(near, IWAE, RngKey.of(4)).value()).allMatch(Double::isFinite));
    assertEquals(3, boxed.encode(near).rows());
    float[][] off = {{4f, 0.5f}, {-4f, 0.5f}, {0f, 0f}, {5f, 1f}, {0f, -0.5f}};
    for (float[] row : off) {
      Dataset x = Dataset.of("pts", boxed.columns(), new float[] {0f, 1f, row[0], row[1]});
      List<Executable> calls = List.of(() -> boxed.logDensity(x, IWAE, RngKey.of(4)), () -> boxed.encode(x),
          () -> boxed.latentActivity(x), () -> boxed.aisLogDensity(x, Ais.of(2), RngKey.of(4)),
          () -> boxed.logDensities(x, new long[] {0, 1}, List.of(IWAE), RngKey.of(4)));
      for (Executable call : calls) {
        DataException e = assertThrows(DataException.class, call, Arrays.toString(row));
        assertEquals("pts: row 2: " + Arrays.toString(row) + " lies on or outside the model's support " + BOX
            + ": the model maps onto its open interior, so its density is 0 there (log q = -inf) and has no estimate "
            + "or encoding", e.getMessage());
      }
    }
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
