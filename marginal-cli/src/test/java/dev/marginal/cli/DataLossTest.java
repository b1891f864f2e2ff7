package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command may destroy what it reads or what it wrote before: an output that is an input (however spelled: a
 * symbolic or hard link, a path through "..") is refused before any work, as are outputs that cannot be written and
 * a second run on an output another run holds. Each case checks the exit code, a single line without a stack trace,
 * and that every file in the directory is byte for byte as before, with nothing added.
 */
class DataLossTest {
  @TempDir Path dir;
  private Path csv;
  private Path model;

  @BeforeEach
  void setUp() throws IOException {
    csv = dir.resolve("in.csv");
    Files.writeString(csv, "x0,x1\n0.1,0.2\n0.3,-0.1\n1.0,0.5\n-0.4,0.9\n0.0,0.0\n");
    model = dir.resolve("m.marginal");
    CliRun r = CliRun.of("fit", "--data", csv.toString(), "--model", "gmm", "--components", "1", "--out",
        model.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
  }

  /** Every file under {@code dir}: name → SHA-256 of its bytes (links by name → their target). */
  private Map<String, String> snapshot() throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String key = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          m.put(key, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p)) {
          m.put(key, sha256(Files.readAllBytes(p)));
        } else {
          m.put(key, "dir");
        }
      }
    }
    return m;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Expects exit 2, one line holding every part, no trace, and the directory exactly as it was. */
  private void assertRefused(String[] args, String... parts) throws IOException {
    Map<String, String> before = snapshot();
    CliRun r = CliRun.of(args);
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    for (String part : parts) {
      assertTrue(line.contains(part), "'" + part + "' missing from: " + line);
    }
    assertFalse(line.contains("Exception") || line.contains("\tat "), line);
    assertEquals(before, snapshot(), "files changed");
  }

  private static String[] args(String... a) {
    return a;
  }

  @Test
  void fitOutputOnItsDataIsRefused() throws IOException {
    assertRefused(args("fit", "--data", csv.toString(), "--model", "gmm", "--out", csv.toString()),
        "--out " + csv + " is the input --data", "choose another output file");
    Files.createDirectory(dir.resolve("sub"));
    assertRefused(args("fit", "--data", csv.toString(), "--model", "gmm", "--out",
        dir.resolve("sub/../in.csv").toString()), "is the input --data");
  }

  @Test
  void linksToAnInputAreTheInput() throws IOException {
    Path symlink = Files.createSymbolicLink(dir.resolve("link.csv"), csv.getFileName());
    assertRefused(args("fit", "--data", csv.toString(), "--model", "gmm", "--out", symlink.toString()),
        "is the input --data");
    Path hard = Files.createLink(dir.resolve("hard.csv"), csv);
    assertRefused(args("score", "--model", model.toString(), "--data", hard.toString(), "--out", csv.toString()),
        "is the input --data");
  }

  @Test
  void everyCommandRefusesToOverwriteItsInputs() throws IOException {
    assertRefused(args("score", "--model", model.toString(), "--data", csv.toString(), "--out", csv.toString()),
        "is the input --data");
    assertRefused(args("score", "--model", model.toString(), "--data", csv.toString(), "--out",
        model.toString()), "is the input --model");
    assertRefused(args("encode", "--model", model.toString(), "--data", csv.toString(), "--out",
        model.toString()), "is the input --model");
    assertRefused(args("sample", "--model", model.toString(), "--n", "5", "--out", model.toString()),
        "is the input --model");
    assertRefused(args("decode", "--model", model.toString(), "--data", csv.toString(), "--out", csv.toString()),
        "is the input --data");
    assertRefused(args("score", "--model", model.toString(), "--data", csv.toString(), "--out",
        dir.resolve("scores.csv").toString(), "--png", csv.toString()), "is the input --data");
    assertRefused(args("encode", "--model", model.toString(), "--data", csv.toString(), "--out",
        dir.resolve("codes.csv").toString(), "--png", model.toString()), "is the input --model");
    assertRefused(args("sample", "--model", model.toString(), "--n", "5", "--mean", "--out", model.toString()),
        "is the input --model");
    assertRefused(args("decode", "--model", model.toString(), "--data", csv.toString(), "--out",
        model.toString()), "is the input --model");
    Path s = dir.resolve("s.csv");
    assertRefused(args("sample", "--model", model.toString(), "--n", "5", "--out", s.toString(), "--png",
        s.toString()), "--png " + s + " is the same file as --out");
    Path t = dir.resolve("t.marginal");
    assertRefused(args("target", "--target", "mixture", "--iters", "2", "--out", t.toString(), "--metrics",
        t.toString()), "--metrics " + t + " is the same file as --out");
    assertRefused(args("target", "--target", "mixture", "--iters", "2", "--out", t.toString(), "--resume",
        t.toString()), "is the input --resume");
  }

  @Test
  void aDashIsNotTakenForAFileName() throws IOException {
    assertRefused(args("sample", "--model", model.toString(), "--n", "5", "--out", "-"),
        "--out -: writing to standard output is not supported", "./- for a file named '-'");
    assertRefused(args("score", "--model", model.toString(), "--data", csv.toString(), "--out", "-"),
        "--out -: writing to standard output is not supported");
    assertRefused(args("fit", "--data", csv.toString(), "--model", "gmm", "--out", "-"),
        "--out -: writing to standard output is not supported");
    // A file named "-" given with a directory is an ordinary output.
    Path dash = dir.resolve("-");
    CliRun r = CliRun.of("sample", "--model", model.toString(), "--n", "5", "--out", dash.toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(6, Files.readAllLines(dash).size());
  }

  @Test
  void resumeCheckpointCannotBeTheNewModel() throws IOException {
    Path ckpt = dir.resolve("q.ckpt");
    Files.copy(model, ckpt);
    assertRefused(args("fit", "--data", csv.toString(), "--model", "lvm", "--steps", "2", "--resume",
        ckpt.toString(), "--out", ckpt.toString()), "--out " + ckpt + " is the input --resume");
  }

  @Test
  void checkpointPlaceTakenByADirectoryIsFoundBeforeTraining() throws IOException {
    Path out = dir.resolve("lvm.marginal");
    Files.createDirectory(dir.resolve("lvm.marginal.ckpt"));
    assertRefused(args("fit", "--data", csv.toString(), "--model", "lvm", "--steps", "2", "--out",
        out.toString()), "lvm.marginal.ckpt: is a directory", "(checkpoint)");
  }

  @Test
  void readOnlyDirectoryIsFoundBeforeTraining() throws IOException {
    // Root writes anywhere, so the probe can only be refused for another user.
    org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")));
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertRefused(args("fit", "--data", csv.toString(), "--model", "lvm", "--steps", "2", "--out",
          ro.resolve("m.marginal").toString()), "cannot write in directory");
    } finally {
      Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void specialFilesAreNotReplaced() throws IOException {
    Path devNull = Path.of("/dev/null");
    if (Files.exists(devNull)) {
      assertRefused(args("score", "--model", model.toString(), "--data", csv.toString(), "--out",
          devNull.toString()), "/dev/null: is not a regular file");
    }
  }

  /**
   * An output that is a symbolic link is written through: the file it names is replaced and the link kept, whether
   * that file exists yet or not, and the lock is the named file's, so a link cannot slip past a run holding it.
   */
  @Test
  void anOutputThroughALinkReplacesWhatItNamesAndKeepsTheLink() throws Exception {
    Path real = dir.resolve("real.marginal");
    Path link = Files.createSymbolicLink(dir.resolve("link.marginal"), real.getFileName());
    CliRun r = CliRun.of("fit", "--data", csv.toString(), "--model", "gmm", "--components", "1", "--out",
        link.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertTrue(Files.isSymbolicLink(link), "the link is kept");
    assertTrue(Files.isRegularFile(real, java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "the dangling link's target is written");
    byte[] first = Files.readAllBytes(real);
    r = CliRun.of("fit", "--data", csv.toString(), "--model", "gmm", "--components", "2", "--out",
        link.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertTrue(Files.isSymbolicLink(link), "the link is kept");
    assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(real)), "the named file is replaced");
    assertEquals(OutputLock.lockFileOf(real), OutputLock.lockFileOf(link));
    Path dangling = Files.createSymbolicLink(dir.resolve("later.marginal"), Path.of("busy.marginal"));
    assertEquals(OutputLock.lockFileOf(dir.resolve("busy.marginal")), OutputLock.lockFileOf(dangling));
  }

  /**
   * {@code target --metrics NAME.csv} writes its JSON twin NAME.json, which the command line does not name: a file of
   * the user's there is refused, not replaced, and a metrics name that is not a .csv is refused (its twin would be
   * NAME.json beside a CSV called anything).
   */
  @Test
  void theMetricsJsonTwinDoesNotReplaceAFileOfTheUsers() throws IOException {
    Path notes = dir.resolve("results.json");
    Files.writeString(notes, "{\"my\": \"notes\"}\n");
    Path t = dir.resolve("t.marginal");
    assertRefused(args("target", "--target", "u1", "--iters", "2", "--out", t.toString(), "--metrics",
        dir.resolve("results.csv").toString()), notes + " exists and is not a metrics file of marginal target");
    assertRefused(args("target", "--target", "u1", "--iters", "2", "--out", t.toString(), "--metrics",
        dir.resolve("keep.json").toString()), "--metrics " + dir.resolve("keep.json") + ": expected a .csv file name");
    CliRun r = CliRun.of("target", "--target", "u1", "--iters", "2", "--eval-samples", "10", "--eval-k", "10",
        "--out", t.toString(), "--metrics", dir.resolve("m.csv").toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    r = CliRun.of("target", "--target", "u1", "--iters", "2", "--eval-samples", "10", "--eval-k", "10",
        "--out", dir.resolve("t2.marginal").toString(), "--metrics", dir.resolve("m.csv").toString(), "--quiet");
    assertEquals(0, r.code(), "a metrics JSON of an earlier run is replaced: " + r);
  }

  @Test
  void aSecondRunOnTheSameOutputIsRefused() throws Exception {
    Path out = dir.resolve("busy.marginal");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), out.toString())
        .redirectErrorStream(true).start();
    try (BufferedReader from = new BufferedReader(
        new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("locked", from.readLine());
      assertRefused(args("fit", "--data", csv.toString(), "--model", "gmm", "--components", "1", "--out",
          out.toString()), "--out " + out + " is being written by another marginal run");
      assertRefused(args("target", "--target", "mixture", "--iters", "2", "--out", out.toString()),
          "being written by another marginal run");
    } finally {
      holder.destroyForcibly();
      holder.waitFor();
    }
    assertTrue(Files.exists(OutputLock.lockFileOf(out)), "a killed run leaves its lock file");
    CliRun r = CliRun.of("fit", "--data", csv.toString(), "--model", "gmm", "--components", "1", "--out",
        out.toString(), "--quiet");
    assertEquals(0, r.code(), "the lock file of a killed run is reused: " + r);
    assertFalse(Files.exists(OutputLock.lockFileOf(out)), "a normal run removes its lock file");
  }

  @Test
  void theWritabilityProbeOfAKilledRunIsRemovedByTheNext() throws IOException {
    // Before any work a command creates and deletes an empty file where it will write; killed in between, it leaves
    // it. Linux process ids stay below 2^22, so 999999999 is never running; this process is.
    Path dead = Files.createFile(dir.resolve(".marginal-probe.999999999-1.tmp"));
    Path live = Files.createFile(dir.resolve(".marginal-probe." + ProcessHandle.current().pid() + "-99.tmp"));
    CliRun r = CliRun.of("fit", "--data", csv.toString(), "--model", "gmm", "--components", "1", "--out",
        dir.resolve("probed.marginal").toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertFalse(Files.exists(dead), "the probe of a process no longer running is removed");
    assertTrue(Files.exists(live), "the probe of a running process is left to it");
    try (var files = Files.list(dir)) {
      assertEquals(List.of(live.getFileName().toString()), files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".marginal-probe")).toList(), "the run leaves no probe of its own");
    }
  }

  @Test
  void aCheckpointThatCannotBeWrittenIsRescuedOrDeclaredLost() throws IOException {
    Path ckpt = dir.resolve("run.marginal.ckpt");
    Path rescue = Commands.rescuePath(ckpt);
    try {
      IllegalStateException e = Commands.rescued(ckpt, "the checkpoint", new IOException("No space left on device"),
          p -> Files.writeString(p, "state"));
      assertEquals(ckpt + ": cannot write (No space left on device); the checkpoint was saved to " + rescue
          + " instead", e.getMessage());
      assertEquals("state", Files.readString(rescue));
    } finally {
      Files.deleteIfExists(rescue);
    }
    IllegalStateException lost = Commands.rescued(ckpt, "the checkpoint", new IOException("No space left on device"),
        p -> {
          throw new IOException("read-only file system");
        });
    assertTrue(lost.getMessage().endsWith("(read-only file system); the checkpoint is lost"), lost.getMessage());
  }

  /** Holds the lock on an output, as a running fit would, until its standard input closes. */
  public static final class LockHolder {
    public static void main(String[] a) throws IOException {
      try (OutputLock lock = OutputLock.acquire("--out", Path.of(a[0]))) {
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // wait
        }
      }
    }
  }
}
