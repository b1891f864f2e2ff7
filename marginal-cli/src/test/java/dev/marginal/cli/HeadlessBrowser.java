package dev.marginal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens a static page in a headless Chromium (Debian's {@code chromium}, when installed) and reports which of its
 * images the browser failed to load: what a reader opening the page from disk would see.
 */
final class HeadlessBrowser {
  private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
  /** Marks each image's outcome on the body once the page has loaded, so the dumped DOM carries the result. */
  private static final String PROBE = "<script>window.addEventListener('load', function () {"
      + " var imgs = document.images, bad = [];"
      + " for (var i = 0; i < imgs.length; i++) {"
      + "   if (!imgs[i].complete || imgs[i].naturalWidth === 0) { bad.push(imgs[i].getAttribute('src')); } }"
      + " document.body.setAttribute('data-images', imgs.length);"
      + " document.body.setAttribute('data-broken', bad.join(' ')); });</script>";
  private static final Pattern RESULT =
      Pattern.compile("<body[^>]*data-images=\"(\\d+)\"[^>]*data-broken=\"([^\"]*)\"");

  private final Path executable;

  private HeadlessBrowser(Path executable) {
    this.executable = executable;
  }

  /** The first Chromium on the PATH, if any. */
  static Optional<HeadlessBrowser> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : NAMES) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(d.isEmpty() ? "." : d, name);
        if (Files.isExecutable(p)) {
          return Optional.of(new HeadlessBrowser(p));
        }
      }
    }
    return Optional.empty();
  }

  /** What the browser made of a page's images. */
  record ImageLoad(int images, List<String> broken) {}

  /**
   * Loads {@code page} (through a copy beside it with a probe script added, so relative links resolve the same)
   * and returns how many images it has and which failed to load.
   */
  ImageLoad loadImages(Path page, Path profile) throws IOException, InterruptedException {
    Path probe = page.resolveSibling("browser-probe-" + page.getFileName());
    Files.writeString(probe, Files.readString(page).replace("</body>", PROBE + "</body>"));
    Path dump = profile.resolve("dom.html");
    try {
      Process p = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
          probe.toUri().toString())
          .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(dump.toFile()).start();
      // The DOM goes to a file, so the time limit holds even if the browser hangs without closing its output.
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(executable + " did not finish in 60 s");
      }
      String dom = Files.readString(dump, StandardCharsets.UTF_8);
      Matcher m = RESULT.matcher(dom);
      if (!m.find()) {
        throw new IOException(executable + " exited " + p.exitValue() + " without the probe's result; DOM starts: "
            + dom.substring(0, Math.min(200, dom.length())));
      }
      String broken = m.group(2).strip();
      return new ImageLoad(Integer.parseInt(m.group(1)), broken.isEmpty() ? List.of() : List.of(broken.split(" ")));
    } finally {
      Files.deleteIfExists(probe);
    }
  }
}
