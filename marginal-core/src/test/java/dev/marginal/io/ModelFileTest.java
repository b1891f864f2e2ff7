package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  @TempDir Path dir;

  private ModelFile sample() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    float[] w = RngKey.of(1).normals(12);
    w[3] = Float.MIN_VALUE;
    w[4] = -0.0f;
    t.put("encoder.w0", Tensor.wrap(w, 3, 4));
    t.put("scalar", Tensor.scalar(2.5f));
    return new ModelFile("lvm", Map.of("latent", 2L), Map.of("seed", 7L), t);
  }

  @Test
  void roundTripIsBitExact() throws IOException {
    Path p = dir.resolve("m.marginal");
    ModelFile m = sample();
    m.write(p);
    ModelFile r = ModelFile.read(p);
    assertEquals("lvm", r.kind());
    assertEquals(2L, r.config().get("latent"));
    assertEquals(7L, r.provenance().get("seed"));
    for (String name : m.tensorNames()) {
      assertArrayEquals(m.tensor(name).shape(), r.tensor(name).shape());
      float[] a = m.tensor(name).buffer();
      float[] b = r.tensor(name).buffer();
      for (int i = 0; i < a.length; i++) {
        assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
      }
    }
  }

  /**
   * A file is written as the version asked for (1 unless a model asks for a newer one) and read back as it; a version
   * newer than this build reads is refused with one line naming it and the versions read.
   */
  @Test
  void versionIsWrittenAsAskedAndANewerOneIsRefused() throws IOException {
    Path p = dir.resolve("v.marginal");
    sample().write(p);
    assertEquals(1, ModelFile.read(p).version());
    sample().withVersion(2).write(p);
    assertEquals(2, ModelFile.read(p).version());
    assertThrows(IllegalArgumentException.class, () -> sample().withVersion(ModelFile.VERSION + 1));
    assertThrows(IllegalArgumentException.class, () -> sample().withVersion(0));
    Path newer = dir.resolve("newer.marginal");
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(newer))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("model.json"));
      zip.write(("{\"format\": \"marginal-model\", \"version\": " + (ModelFile.VERSION + 1)
          + ", \"kind\": \"lvm\", \"config\": {}, \"provenance\": {}, \"tensors\": {}}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(newer));
    assertEquals(newer + ": unsupported model format version " + (ModelFile.VERSION + 1) + " (this build reads 1.."
        + ModelFile.VERSION + ")", e.getMessage());
  }

  @Test
  void truncatedFileGivesOneLineError() throws IOException {
    Path p = dir.resolve("m.marginal");
    sample().write(p);
    byte[] all = Files.readAllBytes(p);
    Files.write(p, Arrays.copyOf(all, all.length / 2));
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(p));
    assertTrue(e.getMessage().startsWith(p.toString() + ":"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  @Test
  void zipDirectoryPastTheEndOfTheFileIsNamed() throws IOException {
    Path p = dir.resolve("m.marginal");
    sample().write(p);
    byte[] all = Files.readAllBytes(p);
    // The last two bytes are the end record's comment length: a flipped bit declares a comment the file lacks.
    all[all.length - 1] ^= 4;
    Files.write(p, all);
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(p));
    assertEquals(p + ": not a marginal model file or truncated (its zip directory points past the end of the file)",
        e.getMessage());
  }

  @Test
  void textFileIsRejected() throws IOException {
    Path p = dir.resolve("notes.txt");
    Files.writeString(p, "hello");
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(p));
    assertTrue(e.getMessage().contains("not a marginal model file"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    Path p = dir.resolve("absent.marginal");
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(p));
    assertEquals(p + ": no such file", e.getMessage());
  }

  @Test
  void float64TensorsRoundTripBitExact() throws IOException {
    Path p = dir.resolve("d.marginal");
    double[] v = {Math.PI, -0.0, Double.MIN_VALUE, 1e300, 1.0 / 3, 0.1 + 0.2};
    ModelFile m = new ModelFile("gmm", Map.of(), Map.of(), Map.of(),
        Map.of("v", new ModelFile.Float64(v, new int[] {2, 3})));
    m.write(p);
    ModelFile r = ModelFile.read(p);
    assertArrayEquals(new int[] {2, 3}, r.float64("v").shape());
    double[] back = r.float64("v").values();
    for (int i = 0; i < v.length; i++) {
      assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back[i]));
    }
    assertTrue(r.tensors().isEmpty());
  }

  @Test
  void bytesAreTheFileAndRoundTripBitExact() throws IOException {
    Path p = dir.resolve("m.marginal");
    ModelFile m = sample();
    m.write(p);
    byte[] bytes = m.toBytes();
    assertArrayEquals(Files.readAllBytes(p), bytes);
    assertArrayEquals(bytes, sample().toBytes(), "equal models give equal bytes, whenever written");
    ModelFile r = ModelFile.fromBytes(bytes, "broadcast");
    assertEquals(7L, r.provenance().get("seed"));
    for (String name : m.tensorNames()) {
      float[] a = m.tensor(name).buffer();
      float[] b = r.tensor(name).buffer();
      for (int i = 0; i < a.length; i++) {
        assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
      }
    }
    IOException e = assertThrows(IOException.class,
        () -> ModelFile.fromBytes(Arrays.copyOf(bytes, bytes.length / 2), "hdfs:///m.marginal"));
    assertTrue(e.getMessage().startsWith("hdfs:///m.marginal: "), e.getMessage());
  }
}
