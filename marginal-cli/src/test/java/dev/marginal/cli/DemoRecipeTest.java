package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.api.DeepLvmFit;
import dev.marginal.autodiff.Parameter;
import dev.marginal.data.DataSources;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.train.LvmTrainingOptions.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code marginal fit} with the demo's recipe, as {@code bench/demo-density.configs} writes it, trains exactly the
 * demo's deep LVM: both make the same library call, so the weights agree bit for bit (here over 60 steps).
 */
class DemoRecipeTest {
  private static final long STEPS = 60;

  @TempDir Path dir;

  @Test
  void benchConfigReproducesTheDemosModel() throws Exception {
    DemoSettings s = new DemoSettings(true, dir, 0, 1, true);
    String train = "toy:moons?n=" + DemoDensity.TRAIN_ROWS + "&seed=" + DemoDensity.TRAIN_DATA_SEED;
    LvmDensityModel demo = DeepLvmFit.fit(DataSources.load(train),
        DemoDensity.fitOptions(DemoDensity.lvmOptions(Objective.IWAE, s).withMaxSteps(STEPS),
            DemoDensity.decoder("moons"))).model();
    String config = Files.readAllLines(Path.of("..", "bench", "demo-density.configs")).stream()
        .filter(l -> l.startsWith("iwae20-b50-lr1e-2 ")).findFirst().orElseThrow();
    List<String> args = new ArrayList<>(List.of("fit", "--data", train, "--model", "lvm", "--seed", "0"));
    for (String a : config.substring(config.indexOf("--")).trim().split("\\s+")) {
      args.add(a);
    }
    int steps = args.indexOf("--steps");
    args.set(steps + 1, String.valueOf(STEPS));
    Path out = dir.resolve("lvm.marginal");
    args.addAll(List.of("--out", out.toString()));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.toString());
    List<Parameter> expected = demo.model().parameters();
    List<Parameter> actual = ((LvmDensityModel) Models.read(out)).model().parameters();
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).value().toArray(), actual.get(i).value().toArray(), "parameter " + i);
    }
  }
}
