package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files crafted to hurt the reader: each is refused with one line naming the file and the problem, before it
 * can cost more memory than its declared shapes, and without a stack overflow.
 */
class HostileModelFileTest {
  @TempDir Path dir;

  /** A zip with {@code model.json} declaring {@code tensorsJson} and the given raw entries. */
  private Path craft(String tensorsJson, Map<String, byte[]> entries) throws IOException {
    String meta = "{\"format\": \"marginal-model\", \"version\": 1, \"kind\": \"lvm\", \"config\": {},"
        + " \"provenance\": {}, \"tensors\": " + tensorsJson + "}";
    return zip(meta, entries);
  }

  private Path zip(String meta, Map<String, byte[]> entries) throws IOException {
    Path p = dir.resolve("hostile.marginal");
    try (OutputStream out = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("model.json"));
      zip.write(meta.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return p;
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  private static String refused(Path p, long budget) {
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(p, budget));
    String m = e.getMessage();
    assertTrue(m.startsWith(p + ": "), m);
    assertFalse(m.contains("\n"), m);
    return m;
  }

  @Test
  void wellFormedCraftedFileIsRead() throws IOException {
    Path p = craft("{\"w\": [2]}", Map.of("tensors/w.f32", floats(1f, 2f)));
    assertEquals(2f, ModelFile.read(p).tensor("w").buffer()[1]);
  }

  @Test
  void entryLargerThanItsShapeIsRefusedWithoutInflatingIt() throws IOException {
    // 64 MiB of zeros deflate to about 64 KiB; the shape declares 8 bytes.
    Path p = craft("{\"w\": [2]}", Map.of("tensors/w.f32", new byte[64 << 20]));
    assertTrue(Files.size(p) < 1 << 20);
    String m = refused(p, 1 << 20);
    assertTrue(m.contains("tensor 'w' has more than the 8 bytes its shape declares"), m);
  }

  @Test
  void entryShorterThanItsShapeIsRefused() throws IOException {
    Path p = craft("{\"w\": [3]}", Map.of("tensors/w.f32", floats(1f, 2f)));
    assertTrue(refused(p, 1 << 20).contains("tensor 'w' has 8 bytes, expected 12"));
  }

  @Test
  void declaredSizesBeyondTheBudgetAreRefusedBeforeAllocating() throws IOException {
    // 200 MiB declared by a file of a few hundred bytes.
    Path p = craft("{\"w\": [52428800]}", Map.of("tensors/w.f32", floats(1f)));
    String m = refused(p, 100L << 20);
    assertTrue(m.contains("declares 200 MiB of tensors, more than the 100 MiB"), m);
  }

  @Test
  void dimensionBeyondIntIsNotWrapped() throws IOException {
    // 4294967298 = 2^32 + 2 would read as 2 if narrowed to int.
    Path p = craft("{\"w\": [4294967298]}", Map.of("tensors/w.f32", floats(1f, 2f)));
    assertTrue(refused(p, 1L << 40).contains("has dimension 4294967298"));
  }

  @Test
  void shapeProductOverflowIsCaught() throws IOException {
    // 65536 x 65536 = 2^32 wraps to 0 in int arithmetic.
    Path p = craft("{\"w\": [65536, 65536]}", Map.of("tensors/w.f32", new byte[0]));
    assertTrue(refused(p, 1L << 40).contains("too many elements"));
  }

  @Test
  void negativeOrFractionalDimensionIsRefused() throws IOException {
    assertTrue(refused(craft("{\"w\": [-1]}", Map.of()), 1 << 20).contains("has dimension -1"));
    assertTrue(refused(craft("{\"w\": [1.5]}", Map.of()), 1 << 20).contains("has dimension 1.5"));
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutStackOverflow() throws IOException {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Path p = zip("{\"format\": \"marginal-model\", \"version\": 1, \"config\": " + deep + "}", Map.of());
    String m = refused(p, 1 << 20);
    assertTrue(m.contains("nested deeper than " + Json.MAX_DEPTH), m);
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    int d = Json.MAX_DEPTH;
    Json.parse("[".repeat(d) + "]".repeat(d));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(d + 1) + "]".repeat(d + 1)));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": ".repeat(d + 1) + "1" + "}".repeat(d + 1)));
  }

  @Test
  void nonFiniteWeightsAreRefusedAtLoad() throws IOException {
    Path nan = craft("{\"w\": [3]}", Map.of("tensors/w.f32", floats(1f, Float.NaN, 2f)));
    assertTrue(refused(nan, 1 << 20).contains("tensor 'w' holds NaN at element 1"));
    Path inf = craft("{\"w\": [2]}", Map.of("tensors/w.f32", floats(Float.NEGATIVE_INFINITY, 0f)));
    assertTrue(refused(inf, 1 << 20).contains("tensor 'w' holds -Infinity at element 0"));
  }

  @Test
  void nonFiniteFloat64IsRefused() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putDouble(1).putDouble(Double.POSITIVE_INFINITY);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("tensors/v.f64", b.array());
    Path p = zip("{\"format\": \"marginal-model\", \"version\": 1, \"kind\": \"gmm\", \"float64\": {\"v\": [2]}}",
        entries);
    assertTrue(refused(p, 1 << 20).contains("tensor 'v' holds Infinity at element 1"));
  }

  @Test
  void sectionsOfTheWrongTypeAreNamed() throws IOException {
    assertTrue(refused(craft("[1, 2]", Map.of()), 1 << 20).contains("'tensors' is not an object"));
    assertTrue(refused(craft("{\"w\": 3}", Map.of()), 1 << 20).contains("shape of tensor 'w' is not a list"));
  }

  @Test
  void oversizedMetadataIsRefused() throws IOException {
    String pad = " ".repeat(ModelFileReader.MAX_META_BYTES + 1);
    Path p = zip("{\"format\": \"marginal-model\"" + pad + "}", Map.of());
    assertTrue(refused(p, 1 << 20).contains("model.json is larger than"));
  }
}
