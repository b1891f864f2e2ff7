package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.plot.ScatterPlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encode --png}: the posterior means z0, z1 drawn one colour per label (Fashion-MNIST's by class name), all
 * in one colour without labels or with more than the plot's colours; models without two latent coordinates are
 * refused before anything is encoded or written.
 */
class EncodePictureTest {
  @TempDir Path dir;

  private static Dataset labelled(String source, int... labels) {
    return Dataset.of(source, List.of("a"), new float[labels.length]).withLabels(labels);
  }

  @Test
  void rowsAreGroupedByLabelInLabelOrder() {
    Map<String, int[]> g = CodesPicture.groups(labelled("data.idx", 3, 1, 3, 0));
    assertEquals(List.of("label 0", "label 1", "label 3"), List.copyOf(g.keySet()));
    assertArrayEquals(new int[] {0, 2}, g.get("label 3"));
    Map<String, int[]> fashion = CodesPicture.groups(labelled("fashion-mnist:test", 9, 1));
    assertEquals(List.of("Trouser", "Ankle boot"), List.copyOf(fashion.keySet()));
    int[] many = new int[ScatterPlot.MAX_SETS + 1];
    java.util.Arrays.setAll(many, i -> i);
    assertEquals(List.of(""), List.copyOf(CodesPicture.groups(labelled("many", many)).keySet()));
    Dataset plain = Dataset.of("plain", List.of("a"), new float[3]);
    assertArrayEquals(new int[] {0, 1, 2}, CodesPicture.groups(plain).get(""));
  }

  @Test
  void theCodesOfAModelWithTwoLatentsAreDrawn() throws IOException {
    Path model = dir.resolve("l.marginal");
    CliRun fit = CliRun.of("fit", "--data", "toy:moons?n=200", "--model", "lvm", "--hidden", "8", "--epochs", "1",
        "--out", model.toString());
    assertEquals(0, fit.code(), fit.toString());
    Path png = dir.resolve("codes.png");
    CliRun r = CliRun.of("encode", "--model", model.toString(), "--data", "toy:moons?n=100", "--out",
        dir.resolve("codes.csv").toString(), "--png", png.toString(), "--json");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("\"png\":\"" + png + "\""), r.out());
    assertEquals(ScatterPlot.DEFAULT_WIDTH, ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void modelsWithoutTwoLatentCoordinatesAreRefusedFirst() {
    Path gmm = dir.resolve("g.marginal");
    Path ppca = dir.resolve("p.marginal");
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=100", "--model", "gmm", "--out", gmm.toString()).code());
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=100", "--model", "ppca", "--latent", "1", "--out",
        ppca.toString()).code());
    Path out = dir.resolve("refused.csv");
    Path png = dir.resolve("refused.png");
    CliRun g = CliRun.of("encode", "--model", gmm.toString(), "--data", "toy:moons?n=10", "--out", out.toString(),
        "--png", png.toString());
    assertEquals(Cli.EXIT_USAGE, g.code(), g.toString());
    assertEquals(List.of("marginal: --png draws latent codes (lvm and ppca models); a gmm model's encoding is its"
        + " responsibilities"), g.errLines());
    CliRun p = CliRun.of("encode", "--model", ppca.toString(), "--data", "toy:moons?n=10", "--out", out.toString(),
        "--png", png.toString());
    assertEquals(Cli.EXIT_USAGE, p.code(), p.toString());
    assertEquals(List.of("marginal: --png draws the latent coordinates z0 and z1; the model has 1 latent"),
        p.errLines());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(png));
  }
}
