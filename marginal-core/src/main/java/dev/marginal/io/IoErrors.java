package dev.marginal.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, for a message that already names the file: {@code out.csv: cannot write (permission
 * denied)}. The message of an {@link AccessDeniedException} or a {@link NoSuchFileException} is the path itself
 * (often a temporary file's), which would print the path twice and say nothing about the cause.
 */
public final class IoErrors {
  private IoErrors() {}

  /**
   * The cause of {@code e} in a few words: the operating system's reason where the exception carries one, a
   * description of the exception's kind where its message would only repeat a path (a file that already exists is
   * named: {@code /data/f already exists}), else its message (escaped, see {@link Untrusted#escaped}) or, without
   * one, its class's simple name.
   */
  public static String reason(Exception e) {
    if (e instanceof FileSystemException) {
      String r = ((FileSystemException) e).getReason();
      if (r != null && !r.isBlank()) {
        return Untrusted.escaped(r);
      }
      return e instanceof AccessDeniedException ? "permission denied"
          : e instanceof NoSuchFileException ? "no such file or directory"
          : e instanceof FileAlreadyExistsException ? Untrusted.escaped(String.valueOf(
              ((FileSystemException) e).getFile())) + " already exists"
          : e instanceof NotDirectoryException ? "not a directory"
          : e instanceof DirectoryNotEmptyException ? "directory not empty"
          : e.getClass().getSimpleName();
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : Untrusted.escaped(m);
  }
}
