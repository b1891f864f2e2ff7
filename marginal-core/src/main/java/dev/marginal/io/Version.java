package dev.marginal.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of marginal that is running, as the build recorded it: the Maven project version (for example
 * {@code 0.2.0}), which is also the {@code Implementation-Version} in the jar manifests. Saved models and reports
 * record it as their provenance.
 *
 * <p>The build writes the version into the resource {@code dev/marginal/io/version.properties}. Where that
 * resource was not filtered (classes compiled by an IDE rather than Maven), the version is the jar manifest's
 * {@code Implementation-Version}, and failing that {@link #DEVELOPMENT}.
 */
public final class Version {
  /** Reported when neither the build's resource nor a jar manifest says which version this is. */
  public static final String DEVELOPMENT = "dev";

  private static final String RESOURCE = "version.properties";
  private static final String VERSION = read();

  private Version() {}

  /** The running version, for example {@code "0.2.0"}, or {@link #DEVELOPMENT} when run from unbuilt classes. */
  public static String get() {
    return VERSION;
  }

  private static String read() {
    String fromResource = fromResource();
    if (fromResource != null) {
      return fromResource;
    }
    String fromManifest = Version.class.getPackage().getImplementationVersion();
    return fromManifest == null || fromManifest.isBlank() ? DEVELOPMENT : fromManifest;
  }

  /** The filtered resource's version; null if the resource is missing or still holds the unfiltered placeholder. */
  static String fromResource() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").strip();
      return v.isEmpty() || v.contains("${") ? null : v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled " + RESOURCE, e);
    }
  }
}
