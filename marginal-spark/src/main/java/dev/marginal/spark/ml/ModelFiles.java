package dev.marginal.spark.ml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Whole model files on any Hadoop file system Spark is configured for (local, hdfs://, s3a://...). */
public final class ModelFiles {
  private ModelFiles() {}

  /**
   * The bytes of {@code path}.
   *
   * @throws UncheckedIOException whose message names the path
   */
  public static byte[] read(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(p)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Whether {@code path} exists (a file or a directory).
   *
   * @throws UncheckedIOException whose message names the path
   */
  public static boolean exists(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot check (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Writes {@code bytes} to {@code path} through a temporary file renamed into place, replacing what is there (a
   * checkpoint's earlier round): the old file is removed just before the rename, so a crash between the two leaves the
   * complete new file under the temporary name ({@code .NAME.tmp}) rather than a partial one.
   */
  public static void replace(SparkSession spark, String path, byte[] bytes) {
    Path p = new Path(path);
    Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(bytes);
      }
      if (fs.exists(p) && !fs.delete(p, false)) {
        throw new IOException("cannot remove the old file");
      }
      if (!fs.rename(tmp, p)) {
        throw new IOException("rename of " + tmp + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Writes {@code bytes} to {@code path} through a temporary file renamed into place, so a reader never sees a
   * partial file; refuses to replace an existing file.
   */
  public static void write(SparkSession spark, String path, byte[] bytes) {
    Path p = new Path(path);
    Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(p)) {
        throw new IOException("exists already");
      }
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(bytes);
      }
      if (!fs.rename(tmp, p)) {
        fs.delete(tmp, false);
        throw new IOException("rename of " + tmp + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot write (" + e.getMessage() + ")", e);
    }
  }
}
