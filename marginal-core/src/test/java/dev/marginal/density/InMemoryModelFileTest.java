package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.api.DeepLvmFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.api.SurrogateTraining;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.io.ModelFile;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Targets;
import dev.marginal.train.ReverseKlOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file made in memory ({@link DensityModel#toFile}) rebuilds the model as the same file read back from
 * disk does, for every kind: a copy of a model, or one sent between threads, needs no temporary file.
 */
class InMemoryModelFileTest {
  private static final Dataset MOONS = DataSources.load("toy:moons?n=120&seed=1");
  private static final Dataset ROWS = MOONS.head(20);

  @TempDir Path dir;

  private static List<DensityModel> models() {
    DeepLvmOptions lvm = DeepLvmOptions.defaults().withEpochs(1).withBatchSize(60);
    return List.of(GmmDensityModel.fit(MOONS, GmmOptions.of(2), true).model(),
        PpcaDensityModel.fit(MOONS, 1, true).model(),
        DeepLvmFit.fit(MOONS, lvm.withStandardize(true)).model(),
        DeepLvmFit.fit(MOONS, lvm.withPerDatapointInference()).model(),
        SurrogateTraining.train(Targets.of("funnel"), ReverseKlOptions.defaults().withIterations(2)).model());
  }

  private static DensityModel.ScoreOptions scoring(DensityModel m) {
    return m instanceof LvmDensityModel ? DensityModel.ScoreOptions.iwae(4) : DensityModel.ScoreOptions.exact();
  }

  @Test
  void aFileMadeInMemoryRebuildsTheModelAsTheFileOnDiskDoes() throws IOException {
    for (DensityModel m : models()) {
      ModelFile file = m.toFile(Map.of("seed", 3, "note", "in memory"));
      Path p = dir.resolve(m.kind() + "-" + System.identityHashCode(m) + ".marginal");
      file.write(p);
      DensityModel fromMemory = Models.fromFile(file);
      DensityModel fromDisk = Models.read(p);
      assertEquals(fromDisk.columns(), fromMemory.columns(), m.kind());
      assertEquals(fromDisk.logDensity(ROWS, scoring(m), RngKey.of(2)),
          fromMemory.logDensity(ROWS, scoring(m), RngKey.of(2)), m.kind());
      assertEquals(m.logDensity(ROWS, scoring(m), RngKey.of(2)),
          fromMemory.logDensity(ROWS, scoring(m), RngKey.of(2)), m.kind());
      assertEquals(ModelFile.read(p).config(), file.config(), m.kind());
      assertEquals(ModelFile.read(p).provenance(), file.provenance(), m.kind());
    }
  }

  @Test
  void aModelFilesSettingsCannotBeChangedBehindIt() {
    ModelFile file = GmmDensityModel.fit(MOONS, GmmOptions.of(2), false).model().toFile(Map.of("seed", 3L));
    assertThrows(UnsupportedOperationException.class, () -> file.config().put("components", 9L));
    assertThrows(UnsupportedOperationException.class, () -> file.provenance().put("seed", 4L));
  }
}
