package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngWriteTest {
  @Test
  void writesIntoAnExistingDirectory(@TempDir Path dir) throws IOException {
    Path png = dir.resolve("plot.png");
    ScatterPlot.of(new float[] {0f}, new float[] {0f}).writePng(png);
    Pictures.read(png);
    assertEquals(List.of(png), Pictures.filesIn(dir));
  }

  @Test
  void missingDirectoryFailsNamingItAndIsNotCreated(@TempDir Path dir) throws IOException {
    Path png = dir.resolve("a/b/plot.png");
    IOException e = assertThrows(IOException.class,
        () -> ScatterPlot.of(new float[] {0f}, new float[] {0f}).writePng(png));
    assertEquals("cannot write " + png + ": directory " + png.getParent() + " does not exist", e.getMessage());
    assertEquals(List.of(), Pictures.filesIn(dir));
  }

  @Test
  void unwritableDirectoryFailsNamingThePathAndLeavesNothing(@TempDir Path dir) throws IOException {
    Path notADir = dir.resolve("taken");
    Files.write(notADir, new byte[] {0});
    Path png = notADir.resolve("plot.png");
    IOException e = assertThrows(IOException.class,
        () -> ScatterPlot.of(new float[] {0f}, new float[] {0f}).writePng(png));
    assertTrue(e.getMessage().contains(png.toString()), e.getMessage());
    assertEquals(List.of(notADir), Pictures.filesIn(dir));
  }

  @Test
  void absurdSizesAreRejected() {
    ScatterPlot plot = ScatterPlot.of(new float[] {0f}, new float[] {0f});
    assertThrows(IllegalArgumentException.class, () -> plot.withSize(0, 100));
    assertThrows(IllegalArgumentException.class, () -> plot.withSize(100, 100_000));
  }

  @Test
  void rendersHeadless() {
    assertTrue(java.awt.GraphicsEnvironment.isHeadless());
  }
}
