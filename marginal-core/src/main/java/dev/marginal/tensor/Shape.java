package dev.marginal.tensor;

import java.util.Arrays;

/** Static helpers for shapes: sizes, validation, broadcasting, axis normalisation. */
public final class Shape {
  private Shape() {}

  /** Most values one Java array holds (a few less than 2³¹ − 1, as the JVMs allow). */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** The number of elements of a shape (1 for a scalar, shape {@code []}). */
  public static int size(int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape too large: " + Arrays.toString(shape));
      }
    }
    return (int) n;
  }

  /** Maps a possibly negative axis ({@code -1} = last) to {@code [0, rank)}. */
  public static int axis(int axis, int rank) {
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
    }
    return a;
  }

  /** The NumPy broadcast of two shapes, or an exception naming both. */
  public static int[] broadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
      int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Product of dimensions {@code [from, to)}. */
  static int prod(int[] shape, int from, int to) {
    int n = 1;
    for (int i = from; i < to; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** The shape with {@code axis} removed (or set to 1 when {@code keepDims}). */
  static int[] reduce(int[] shape, int axis, boolean keepDims) {
    if (keepDims) {
      int[] out = shape.clone();
      out[axis] = 1;
      return out;
    }
    int[] out = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != axis) {
        out[j++] = shape[i];
      }
    }
    return out;
  }

  static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
