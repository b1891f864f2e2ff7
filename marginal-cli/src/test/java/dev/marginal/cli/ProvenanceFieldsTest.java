package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.api.DeepLvmFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.api.SurrogateTraining;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.targets.Targets;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.SurrogateMetrics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file written by {@code marginal fit} or {@code marginal target} carries the provenance the library's fit
 * returns: the same fields with the same seed, data, rows, columns and options as the same fit run from Java and
 * saved with {@code model.toFile(fit.provenance())}, plus the command line and nothing else.
 */
class ProvenanceFieldsTest {
  private static final String MOONS = "toy:moons?n=120&seed=4";

  @TempDir Path dir;

  private Map<String, Object> viaCli(String... args) throws Exception {
    Path out = dir.resolve("cli-" + args[1].replace(':', '-') + "-" + System.nanoTime() + ".marginal");
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--out";
    all[args.length + 1] = out.toString();
    CliRun r = CliRun.of(all);
    assertEquals(0, r.code(), r.toString());
    return ModelFile.read(out).provenance();
  }

  private Map<String, Object> viaApi(ModelFile file) throws Exception {
    Path out = dir.resolve("api-" + System.nanoTime() + ".marginal");
    file.write(out);
    return ModelFile.read(out).provenance();
  }

  /** The CLI's record less its command line equals the API's, but for the clock; the command line is as typed. */
  private static void assertSameRecord(Map<String, Object> api, Map<String, Object> cli, String... args) {
    Map<String, Object> c = new LinkedHashMap<>(cli);
    String line = (String) c.remove("command_line");
    assertEquals("marginal " + String.join(" ", args), line.substring(0, line.indexOf(" --out ")));
    c.remove("date");
    c.remove("wall_time_s");
    Map<String, Object> a = new LinkedHashMap<>(api);
    a.remove("date");
    a.remove("wall_time_s");
    assertEquals(a.keySet(), c.keySet(), "fields");
    assertEquals(a, c);
  }

  @Test
  void gmmAndPpcaFilesFromTheCommandCarryTheLibrarysProvenance() throws Exception {
    Dataset data = DataSources.load(MOONS);
    String[] gmm = {"fit", "--data", MOONS, "--model", "gmm", "--components", "3", "--seed", "6"};
    GmmDensityModel.Fitted g = GmmDensityModel.fit(data, GmmOptions.of(3).withSeed(6), false);
    assertSameRecord(viaApi(g.model().toFile(g.provenance())), viaCli(gmm), gmm);
    String[] ppca = {"fit", "--data", MOONS, "--model", "ppca", "--latent", "1", "--standardize"};
    PpcaDensityModel.Fitted p = PpcaDensityModel.fit(data, 1, true);
    assertSameRecord(viaApi(p.model().toFile(p.provenance())), viaCli(ppca), ppca);
  }

  @Test
  void deepLvmFileFromTheCommandCarriesTheLibrarysProvenance() throws Exception {
    String[] lvm = {"fit", "--data", MOONS, "--model", "lvm", "--epochs", "1", "--latent", "2", "--hidden", "8",
        "--seed", "3"};
    DeepLvmFit.Result fit = DeepLvmFit.fit(DataSources.load(MOONS), DeepLvmOptions.defaults().withEpochs(1)
        .withSeed(3).withArchitecture(new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null)));
    assertSameRecord(viaApi(fit.model().toFile(fit.provenance())), viaCli(lvm), lvm);
  }

  @Test
  void surrogateFileFromTheCommandCarriesTheLibrarysProvenance() throws Exception {
    String[] target = {"target", "--target", "funnel", "--iters", "4", "--seed", "2", "--eval-samples", "20",
        "--eval-k", "5"};
    ReverseKlOptions o = ReverseKlOptions.forTarget(Targets.of("funnel")).withIterations(4).withSeed(2);
    SurrogateTraining.Result r = SurrogateTraining.train(Targets.of("funnel"), o,
        SurrogateTraining.Control.none().withEvaluation(0, SurrogateMetrics.Settings.quick()));
    Provenance p = r.provenance();
    assertSameRecord(viaApi(r.model().toFile(p)), viaCli(target), target);
  }
}
