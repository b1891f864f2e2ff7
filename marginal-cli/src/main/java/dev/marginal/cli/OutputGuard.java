package dev.marginal.cli;

import dev.marginal.data.DataSources;
import dev.marginal.io.AtomicFiles;
import dev.marginal.io.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The check every command makes before any work: no file it will write is a file it reads, or another file it
 * writes, and every file it will write can be written. Files are compared by what they are on disk, not by how
 * they are spelled: {@code ./a.csv}, {@code a.csv}, a symbolic link to it and a hard link to it are the same file.
 *
 * <pre>
 *   new OutputGuard().data("--data", data).input("--model", model).output("--out", out).check();
 * </pre>
 */
final class OutputGuard {
  private record Named(String what, Path path, Path mayReplace) {}

  private final List<Named> inputs = new ArrayList<>();
  private final List<Named> outputs = new ArrayList<>();

  /** Registers a file the command reads; null is ignored. */
  OutputGuard input(String what, Path path) {
    if (path != null) {
      inputs.add(new Named(what, path, null));
    }
    return this;
  }

  /** Registers the files a data source reads (none for {@code toy:} and the like); null is ignored. */
  OutputGuard data(String what, String spec) {
    if (spec != null) {
      for (Path p : DataSources.files(spec)) {
        input(what, p);
      }
    }
    return this;
  }

  /** Registers a file the command writes; null is ignored. */
  OutputGuard output(String what, Path path) {
    return output(what, path, null);
  }

  /**
   * Registers a file the command writes that may be the input {@code mayReplace} (a checkpoint that a resumed run
   * continues from and then updates); null {@code path} is ignored.
   */
  OutputGuard output(String what, Path path, Path mayReplace) {
    if (path != null) {
      outputs.add(new Named(what, path, mayReplace));
    }
    return this;
  }

  /**
   * Refuses, with a one-line {@link UserInputException}, an output that is an input or another output, an output
   * that cannot be written (a missing or read-only directory, a directory or a special file in its place), and the
   * name {@code -}, which many tools read as standard output.
   */
  void check() {
    for (int i = 0; i < outputs.size(); i++) {
      Named out = outputs.get(i);
      checkWritable(out);
      for (Named in : inputs) {
        boolean allowed = out.mayReplace() != null && sameFile(out.mayReplace(), in.path());
        if (!allowed && sameFile(out.path(), in.path())) {
          throw new UserInputException(out.what() + " " + out.path() + " is the input " + in.what() + " "
              + in.path() + "; writing it would destroy the input (choose another output file)");
        }
      }
      for (int j = 0; j < i; j++) {
        Named other = outputs.get(j);
        if (sameFile(out.path(), other.path())) {
          throw new UserInputException(out.what() + " " + out.path() + " is the same file as " + other.what()
              + " " + other.path() + " (choose different output files)");
        }
      }
    }
  }

  /** The path a write to {@code p} replaces (links followed, {@link AtomicFiles#throughLinks}), or {@code p}. */
  static Path throughLinks(Path p) {
    try {
      return AtomicFiles.throughLinks(p);
    } catch (IOException | SecurityException e) {
      return p;
    }
  }

  /**
   * The directory exists and takes new files, and the name is free or an ordinary file; for a symbolic link, the
   * file it names, which the write replaces.
   */
  private static void checkWritable(Named out) {
    Path named = out.path();
    if (named.toString().equals("-")) {
      // Many tools read "-" as standard output; written as a file here, it would surprise.
      throw new UserInputException(out.what() + " -: writing to standard output is not supported; give a file name"
          + " (./- for a file named '-')");
    }
    Path path;
    try {
      path = AtomicFiles.throughLinks(named);
    } catch (IOException | SecurityException e) {
      throw new UserInputException(out.what() + " " + named + ": cannot follow its link (" + IoErrors.reason(e)
          + ")");
    }
    Path dir = path.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      Path shown = path.getParent() == null ? dir : path.getParent();
      throw new UserInputException(path + ": directory " + shown + " does not exist");
    }
    if (Files.isDirectory(path)) {
      throw new UserInputException(path + ": is a directory, expected a file name"
          + (out.what().startsWith("--") ? "" : " (" + out.what() + ")"));
    }
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw new UserInputException(path + ": is not a regular file; refusing to replace it");
    }
    try {
      AtomicFiles.probeDirectory(dir);
    } catch (IOException | SecurityException e) {
      throw new UserInputException(path + ": cannot write in directory " + dir + " (" + IoErrors.reason(e) + ")");
    }
    try {
      AtomicFiles.probeWrite(path);
    } catch (IOException | SecurityException e) {
      throw new UserInputException(out.what() + " " + path + ": cannot write (" + IoErrors.reason(e) + ")");
    }
  }

  /** Whether two paths name the same file on disk (following links; a missing file by its real directory). */
  static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b);
      }
      return canonical(a).equals(canonical(b));
    } catch (IOException e) {
      return canonical(a).equals(canonical(b));
    }
  }

  /**
   * The real path of a file (links followed), or of its nearest existing directory joined with the rest; a link
   * whose target is missing by the real path of its directory and its own name.
   */
  static Path canonical(Path p) {
    Path abs = throughLinks(p).toAbsolutePath().normalize();
    Path existing = abs;
    Path rest = abs.getFileSystem().getPath("");
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      return existing.toRealPath().resolve(rest).normalize();
    } catch (IOException e) {
      Path dir = existing.getParent();
      try {
        return dir == null ? abs : dir.toRealPath().resolve(existing.getFileName()).resolve(rest).normalize();
      } catch (IOException again) {
        return abs;
      }
    }
  }

}
