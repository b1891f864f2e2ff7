package dev.marginal.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies the operands of a matrix multiply into the contiguous panel layouts the micro-kernel reads, whatever
 * their transposition. Panels are zero-padded to full width, so edge tiles run the same arithmetic as inner ones.
 *
 * <p>B layout: column panels {@code [q0, q1)} of {@code nr} columns over a summation range {@code [p0, p0 + kc)};
 * panel {@code q} holds, for each {@code p}, the {@code nr} values {@code op(B)[p0 + p][q·nr + jj]} at
 * {@code base + (q − q0)·kc·nr + p·nr + jj}.
 *
 * <p>A layout: row panels of {@code mr} rows over a summation range {@code [p0, p0 + kc)}; panel {@code ip} holds,
 * for each {@code p}, the {@code mr} values {@code op(A)[ip·mr + r][p0 + p]} at {@code base + ip·stride + p·mr + r},
 * where {@code stride} is {@code kTotal·mr} (whole-matrix packing) or {@code kc·mr} (one block).
 */
final class GemmPacking {
  private static final VectorSpecies<Float> S = GemmMicroKernel.S;
  private static final int L = GemmMicroKernel.L;
  private GemmPacking() {}

  /** Number of panels of width {@code w} needed to cover {@code size}. */
  static int panels(int size, int w) {
    return (size + w - 1) / w;
  }

  /**
   * Packs column panels {@code [q0, q1)} of {@code op(B)} ({@code [k, n]}) restricted to {@code [p0, p0 + kc)}.
   *
   * @param transB whether B is stored {@code [n, k]}
   */
  static void packB(boolean transB, int k, int n, float[] b, int bOff, int nr, int q0, int q1, int p0, int kc,
      float[] dst, int dstBase) {
    for (int q = q0; q < q1; q++) {
      int j0 = q * nr;
      int cols = Math.min(nr, n - j0);
      int base = dstBase + (q - q0) * kc * nr;
      if (transB) {
        packTransposedPanel(kc, b, bOff + j0 * k + p0, k, cols, nr, dst, base);
      } else if (cols == nr && nr == 2 * L) {
        for (int p = 0, s = bOff + p0 * n + j0, d = base; p < kc; p++, s += n, d += nr) {
          FloatVector.fromArray(S, b, s).intoArray(dst, d);
          FloatVector.fromArray(S, b, s + L).intoArray(dst, d + L);
        }
      } else {
        for (int p = 0; p < kc; p++) {
          int d = base + p * nr;
          System.arraycopy(b, bOff + (p0 + p) * n + j0, dst, d, cols);
          if (cols < nr) {
            Arrays.fill(dst, d + cols, d + nr, 0f);
          }
        }
      }
    }
  }

  /**
   * Column panel from B stored {@code [n, k]}: each source row (stride {@code k}) is contiguous in {@code p}. The
   * panel is written in order, one step {@code p} at a time, reading that step from each of the {@code cols} rows:
   * the rows' current cache lines serve sixteen steps, where writing one column at a time would revisit every line
   * of the panel once per column.
   */
  private static void packTransposedPanel(int kc, float[] b, int src, int k, int cols, int nr, float[] dst,
      int base) {
    for (int p = 0, d = base; p < kc; p++, d += nr) {
      for (int jj = 0, s = src + p; jj < cols; jj++, s += k) {
        dst[d + jj] = b[s];
      }
      if (cols < nr) {
        Arrays.fill(dst, d + cols, d + nr, 0f);
      }
    }
  }

  /**
   * Packs row panels {@code [ip0, ip1)} of {@code op(A)} ({@code [m, k]}) restricted to {@code [p0, p0 + kc)}.
   *
   * @param transA whether A is stored {@code [k, m]}
   * @param firstRow row of {@code op(A)} that panel 0 of {@code dst} starts at
   * @param stride distance in {@code dst} between consecutive panels (at least {@code kc·mr})
   */
  static void packA(boolean transA, int m, int k, float[] a, int aOff, int mr, int firstRow, int ip0, int ip1,
      int p0, int kc, float[] dst, int base, int stride) {
    for (int ip = ip0; ip < ip1; ip++) {
      int i0 = firstRow + ip * mr;
      int rows = Math.min(mr, m - i0);
      int d = base + ip * stride;
      if (transA) {
        for (int p = 0; p < kc; p++, d += mr) {
          int s = aOff + (p0 + p) * m + i0;
          for (int r = 0; r < rows; r++) {
            dst[d + r] = a[s + r];
          }
          for (int r = rows; r < mr; r++) {
            dst[d + r] = 0f;
          }
        }
      } else {
        packRowMajorPanel(k, a, aOff + i0 * k + p0, rows, mr, kc, dst, d);
      }
    }
  }

  /** Row panel from A stored {@code [m, k]}: interleaves {@code rows} contiguous rows, zero rows after them. */
  private static void packRowMajorPanel(int k, float[] a, int src, int rows, int mr, int kc, float[] dst, int d) {
    for (int p = 0, o = d; p < kc; p++, o += mr) {
      for (int r = 0, s = src + p; r < rows; r++, s += k) {
        dst[o + r] = a[s];
      }
      for (int r = rows; r < mr; r++) {
        dst[o + r] = 0f;
      }
    }
  }
}
