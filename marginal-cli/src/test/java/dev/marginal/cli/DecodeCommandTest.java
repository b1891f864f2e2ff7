package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.CsvReader;
import dev.marginal.data.Dataset;
import dev.marginal.density.LatentDecoder;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marginal decode} and {@code marginal sample --mean}: the library's values, written; the refusals. */
class DecodeCommandTest {
  @TempDir static Path dir;
  private static Path ppca;
  private static Path lvm;
  private static Path gmm;

  @BeforeAll
  static void fit() {
    ppca = dir.resolve("p.marginal");
    lvm = dir.resolve("l.marginal");
    gmm = dir.resolve("g.marginal");
    ok("fit", "--data", "toy:moons?n=300", "--model", "ppca", "--latent", "1", "--standardize", "--out",
        ppca.toString());
    ok("fit", "--data", "toy:moons?n=300", "--model", "lvm", "--hidden", "8", "--epochs", "1", "--out",
        lvm.toString());
    ok("fit", "--data", "toy:moons?n=300", "--model", "gmm", "--components", "2", "--out", gmm.toString());
  }

  private static CliRun ok(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.code(), r.toString());
    return r;
  }

  private static LatentDecoder model(Path path) {
    return (LatentDecoder) Commands.readModel(path);
  }

  private static float[] values(Path csv) {
    return CsvReader.read(csv).values();
  }

  /** encode's output decodes as it is, to what the library's decode gives the same codes. */
  @Test
  void decodesWhatEncodeWrites() {
    for (Path m : List.of(ppca, lvm)) {
      Path codes = dir.resolve(m.getFileName() + ".codes.csv");
      Path out = dir.resolve(m.getFileName() + ".decoded.csv");
      ok("encode", "--model", m.toString(), "--data", "toy:moons?n=20", "--out", codes.toString());
      CliRun r = ok("decode", "--model", m.toString(), "--data", codes.toString(), "--out", out.toString());
      assertEquals("decoded 20 codes into " + out + ": columns x0, x1", r.out().strip());
      assertEquals(List.of("x0", "x1"), CliRun.csvHeader(out));
      Dataset expected = model(m).decode(CsvReader.read(codes));
      assertArrayEquals(expected.values(), values(out), m.toString());
    }
  }

  @Test
  void columnsNameTheCodesInOrder() throws IOException {
    Path codes = dir.resolve("ab.csv");
    Files.writeString(codes, "id,b,a\n0,0.5,-1\n1,2,0.25\n");
    Path out = dir.resolve("ab.decoded.csv");
    ok("decode", "--model", lvm.toString(), "--data", codes.toString(), "--columns", "a,b", "--out", out.toString());
    Dataset expected = model(lvm).decode(Dataset.of("c", List.of("z0", "z1"), new float[] {-1, 0.5f, 0.25f, 2}));
    assertArrayEquals(expected.values(), values(out));
  }

  /** Row i of {@code sample --mean} is the mean for the z of row i of {@code sample}, with the same seed. */
  @Test
  void sampleMeanWritesTheLibrarysMeans() {
    for (Path m : List.of(ppca, lvm)) {
      Path out = dir.resolve(m.getFileName() + ".means.csv");
      CliRun r = ok("sample", "--model", m.toString(), "--n", "40", "--seed", "3", "--mean", "--out", out.toString(),
          "--json");
      assertTrue(r.out().contains("\"mean\":true"), r.out());
      assertArrayEquals(model(m).sampleMeans(RngKey.of(3), 40).values(), values(out), m.toString());
    }
  }

  @Test
  void aPictureOfDecodedRows() {
    Path codes = dir.resolve("pic.codes.csv");
    Path png = dir.resolve("decoded.png");
    ok("encode", "--model", lvm.toString(), "--data", "toy:moons?n=50", "--out", codes.toString());
    ok("decode", "--model", lvm.toString(), "--data", codes.toString(), "--out", dir.resolve("pic.csv").toString(),
        "--png", png.toString());
    assertTrue(Files.isRegularFile(png));
  }

  @Test
  void refusesModelsWithoutAContinuousLatentAndCodesOfAnotherModel() throws IOException {
    Path codes = dir.resolve("two.csv");
    Files.writeString(codes, "z0,z1,var_z0,var_z1\n0,1,1,1\n");
    Path out = dir.resolve("refused.csv");
    CliRun gmmDecode = CliRun.of("decode", "--model", gmm.toString(), "--data", codes.toString(), "--out",
        out.toString());
    assertEquals(Cli.EXIT_USAGE, gmmDecode.code(), gmmDecode.toString());
    assertEquals(List.of("marginal: decode applies to lvm and ppca models, which decode a continuous latent; " + gmm
        + " is a gmm model"), gmmDecode.errLines());
    CliRun gmmMean = CliRun.of("sample", "--model", gmm.toString(), "--n", "3", "--mean", "--out", out.toString());
    assertEquals(Cli.EXIT_USAGE, gmmMean.code(), gmmMean.toString());
    assertEquals(List.of("marginal: --mean applies to lvm and ppca models, whose draws are decoded from a continuous"
        + " latent; " + gmm + " is a gmm model"), gmmMean.errLines());
    CliRun wider = CliRun.of("decode", "--model", ppca.toString(), "--data", codes.toString(), "--out",
        out.toString());
    assertEquals(Cli.EXIT_USAGE, wider.code(), wider.toString());
    assertEquals(List.of("marginal: " + codes + ": codes of 2 latents ('z0', 'z1'), but the model has 1: decode"
        + " codes with the model that encoded them"), wider.errLines());
    CliRun count = CliRun.of("decode", "--model", lvm.toString(), "--data", codes.toString(), "--columns", "z0",
        "--out", out.toString());
    assertEquals(Cli.EXIT_USAGE, count.code(), count.toString());
    assertEquals(List.of("marginal: --columns: 1 columns, but the model " + lvm + " has 2 latents (z0, z1)"),
        count.errLines());
    assertFalse(Files.exists(out));
  }
}
