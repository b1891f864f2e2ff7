package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.train.LvmCheckpoint;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** A number beyond a double (which would read as an infinity) is refused naming the file and the field. */
  @Test
  void aNumberBeyondADoubleIsRefusedNamingItsField() throws IOException {
    Path p = zip("{\"format\": \"marginal-model\", \"version\": 1, \"kind\": \"lvm\", \"config\":"
        + " {\"standardizeMean\": [1e400, 0]}, \"provenance\": {}, \"tensors\": {}}", Map.of());
    String m = refused(p, 1 << 20);
    assertTrue(m.startsWith(p + ": model.json is corrupt (invalid JSON at offset "), m);
    assertTrue(m.endsWith(": number '1e400' in 'standardizeMean' is beyond the range of a double)"), m);
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

  /**
   * {@code src} rewritten with its entries in the same order, each STORED or deflated without compression: either
   * way an entry's bytes appear in the file as they are, so that one of them can be changed without breaking the
   * compressed stream (the zip reader then has nothing but the CRC to notice it).
   */
  private Path uncompressed(Path src, int method) throws IOException {
    Path p = dir.resolve("rewritten-" + method + ".marginal");
    try (ZipFile in = new ZipFile(src.toFile()); OutputStream out = Files.newOutputStream(p);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(Deflater.NO_COMPRESSION);
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] bytes;
        try (InputStream data = in.getInputStream(e)) {
          bytes = data.readAllBytes();
        }
        ZipEntry copy = new ZipEntry(e.getName());
        copy.setMethod(method);
        if (method == ZipEntry.STORED) {
          CRC32 crc = new CRC32();
          crc.update(bytes);
          copy.setSize(bytes.length);
          copy.setCompressedSize(bytes.length);
          copy.setCrc(crc.getValue());
        }
        zip.putNextEntry(copy);
        zip.write(bytes);
        zip.closeEntry();
      }
    }
    return p;
  }

  /** XORs {@code mask} into the byte {@code at} past the one place {@code marker} occurs in the file. */
  private static void change(Path p, byte[] marker, int at, int mask) throws IOException {
    byte[] all = Files.readAllBytes(p);
    int found = -1;
    for (int i = 0; i + marker.length <= all.length; i++) {
      if (java.util.Arrays.equals(all, i, i + marker.length, marker, 0, marker.length)) {
        assertEquals(-1, found, "marker occurs twice");
        found = i;
      }
    }
    assertTrue(found >= 0, "marker not found");
    all[found + at] ^= (byte) mask;
    Files.write(p, all);
  }

  /** The little-endian bytes of a tensor of {@code f}, as its entry holds them. */
  private static byte[] entryBytes(ModelFile f, String tensor) {
    return floats(f.tensor(tensor).buffer());
  }

  private static final String NOTE = "written for a corruption test";

  @ParameterizedTest
  @ValueSource(ints = {ZipEntry.STORED, ZipEntry.DEFLATED})
  void changedByteInATensorEntryFailsItsCrcCheck(int method) throws IOException {
    Path p = uncompressed(craft("{\"w\": [4]}", Map.of("tensors/w.f32", floats(1f, 2f, 3f, 4f))), method);
    assertEquals(3f, ModelFile.read(p).tensor("w").buffer()[2]);
    // The lowest mantissa byte of element 2: the value stays finite and changes in its last bit.
    change(p, floats(1f, 2f, 3f, 4f), 8, 0x01);
    assertTrue(refused(p, 1 << 20).endsWith(": entry 'tensors/w.f32' fails its CRC check (file corrupt)"));
  }

  @ParameterizedTest
  @ValueSource(ints = {ZipEntry.STORED, ZipEntry.DEFLATED})
  void changedByteInModelJsonFailsItsCrcCheck(int method) throws IOException {
    Path p = uncompressed(zip("{\"format\": \"marginal-model\", \"version\": 1, \"kind\": \"lvm\", \"provenance\":"
        + " {\"note\": \"" + NOTE + "\"}}", Map.of()), method);
    assertEquals(NOTE, ModelFile.read(p).provenance().get("note"));
    // 'w' becomes 'v': still valid JSON, and the same model but for its note.
    change(p, NOTE.getBytes(StandardCharsets.UTF_8), 0, 0x01);
    assertTrue(refused(p, 1 << 20).endsWith(": entry 'model.json' fails its CRC check (file corrupt)"));
  }

  @Test
  void brokenDeflateStreamNamesTheEntry() throws IOException {
    Path p = uncompressed(craft("{\"w\": [4]}", Map.of("tensors/w.f32", floats(1f, 2f, 3f, 4f))),
        ZipEntry.DEFLATED);
    // The stored block's length is followed by its one's complement (NLEN), just before the data: break it.
    change(p, floats(1f, 2f, 3f, 4f), -1, 0xFF);
    String m = refused(p, 1 << 20);
    assertTrue(m.endsWith(": entry 'tensors/w.f32' is corrupt (invalid stored block lengths)"), m);
  }

  private static final DeepLvm.Config LVM =
      new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN);

  @Test
  void changedByteInAModelFileFailsItsCrcCheck() throws IOException {
    Path saved = dir.resolve("m.marginal");
    new LvmDensityModel(DeepLvm.create(LVM, RngKey.of(2), null), List.of("x0", "x1"), null)
        .toFile(Map.of("note", NOTE)).write(saved);
    refusesAChangedByte(saved, "encoder.w1");
  }

  @Test
  void changedByteInACheckpointFailsItsCrcCheck() throws IOException {
    Path ckpt = dir.resolve("c.ckpt");
    DeepLvm m = DeepLvm.create(LVM, RngKey.of(2), null);
    LvmDensityModel lm = new LvmDensityModel(m, List.of("x0", "x1"), null);
    Dataset data = ToyData.generate("moons", 40, RngKey.of(1));
    AtomicInteger steps = new AtomicInteger();
    new LvmTrainer(m, LvmTrainingOptions.defaults().withBatchSize(10).withEpochs(3).withSeed(3))
        .fit(data, null, Progress.silent(), () -> steps.incrementAndGet() >= 3,
            t -> LvmCheckpoint.write(ckpt, lm, t, Map.of("note", NOTE)));
    String moment = ModelFile.read(ckpt).tensorNames().stream().filter(n -> n.startsWith("opt.decoder/m/"))
        .findFirst().orElseThrow();
    refusesAChangedByte(ckpt, moment);
  }

  /** A byte changed in {@code tensor}'s entry, or in {@code model.json}'s note, is refused by its CRC. */
  private void refusesAChangedByte(Path saved, String tensor) throws IOException {
    for (int method : new int[] {ZipEntry.STORED, ZipEntry.DEFLATED}) {
      ModelFile original = ModelFile.read(saved);
      Path p = uncompressed(saved, method);
      assertEquals(original.tensor(tensor), ModelFile.read(p).tensor(tensor));
      change(p, entryBytes(original, tensor), 4, 0x01);
      String m = refused(p, 1 << 30);
      assertTrue(m.endsWith(": entry " + Untrusted.quoted("tensors/" + tensor + ".f32")
          + " fails its CRC check (file corrupt)"), m);

      p = uncompressed(saved, method);
      change(p, NOTE.getBytes(StandardCharsets.UTF_8), 0, 0x01);
      m = refused(p, 1 << 30);
      assertTrue(m.endsWith(": entry 'model.json' fails its CRC check (file corrupt)"), m);
    }
  }
}
