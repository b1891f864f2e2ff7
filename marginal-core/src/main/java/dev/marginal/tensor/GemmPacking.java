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
   * @param rowScale null, or (B stored {@code [k, n]}) a scale per row of B: row p is packed as
   *     {@code rowScale[p]·B[p, ·]}, each product rounded to float
   */
  static void packB(boolean transB, int k, int n, float[] b, int bOff, float[] rowScale, int nr, int q0, int q1,
      int p0, int kc, float[] dst, int dstBase) {
    for (int q = q0; q < q1; q++) {
      int j0 = q * nr;
      int cols = Math.min(nr, n - j0);
      int base = dstBase + (q - q0) * kc * nr;
      if (transB) {
        packTransposedPanel(kc, b, bOff + j0 * k + p0, k, cols, nr, dst, base);
      } else if (rowScale != null && cols == nr && nr == 2 * L) {
        for (int p = 0, s = bOff + p0 * n + j0, d = base; p < kc; p++, s += n, d += nr) {
          FloatVector sv = FloatVector.broadcast(S, rowScale[p0 + p]);
          FloatVector.fromArray(S, b, s).mul(sv).intoArray(dst, d);
          FloatVector.fromArray(S, b, s + L).mul(sv).intoArray(dst, d + L);
        }
      } else if (rowScale != null && cols == L && nr == 2 * L) {
        FloatVector zero = FloatVector.zero(S);
        for (int p = 0, s = bOff + p0 * n + j0, d = base; p < kc; p++, s += n, d += nr) {
          FloatVector.fromArray(S, b, s).mul(FloatVector.broadcast(S, rowScale[p0 + p])).intoArray(dst, d);
          zero.intoArray(dst, d + L);
        }
      } else if (rowScale != null) {
        for (int p = 0; p < kc; p++) {
          int d = base + p * nr;
          int src = bOff + (p0 + p) * n + j0;
          float sp = rowScale[p0 + p];
          for (int jj = 0; jj < cols; jj++) {
            dst[d + jj] = sp * b[src + jj];
          }
          if (cols < nr) {
            Arrays.fill(dst, d + cols, d + nr, 0f);
          }
        }
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
    if (cols == nr && nr % 8 == 0) {
      copyTransposed(kc, b, src, k, nr, dst, base, nr);
      return;
    }
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
   * Copies {@code cols} (a multiple of eight) columns of B stored {@code [n, k]}, starting at row {@code src / k}, into
   * row-major rows of {@code dst} ({@code kc} rows from {@code d}, {@code ldd} apart): as {@link #packTransposedPanel},
   * with the source rows taken eight at a time from eight running offsets, so that every read is a fixed offset from
   * the summation index and the JIT keeps no bounds check or inner loop per value (a 784 × 256 operand packs about
   * a fifth faster than by the general loop). Also the direct multiply's copy of a transposed B. Where the vectors
   * have sixteen lanes, whole 16 × 16 blocks go through {@link VectorTranspose} instead, about 1.8 times as fast.
   */
  static void copyTransposed(int kc, float[] b, int src, int k, int cols, float[] dst, int d, int ldd) {
    if (VectorTranspose.AVAILABLE && cols >= 16 && kc >= 16) {
      // Whole 16 × 16 blocks through vector registers, the rest value by value.
      int cols16 = cols & ~15;
      int kc16 = kc & ~15;
      for (int g = 0; g < cols16; g += 16) {
        for (int p = 0; p < kc16; p += 16) {
          VectorTranspose.t16(b, src + g * k + p, k, dst, d + p * ldd + g, ldd);
        }
      }
      copyTransposedScalar(kc - kc16, b, src + kc16, k, cols, dst, d + kc16 * ldd, ldd);
      copyTransposedScalar(kc16, b, src + cols16 * k, k, cols - cols16, dst, d + cols16, ldd);
      return;
    }
    copyTransposedScalar(kc, b, src, k, cols, dst, d, ldd);
  }

  /** {@link #copyTransposed} value by value. */
  private static void copyTransposedScalar(int kc, float[] b, int src, int k, int cols, float[] dst, int d, int ldd) {
    int k8 = 8 * k;
    int s0 = src;
    int s1 = src + k;
    int s2 = src + 2 * k;
    int s3 = src + 3 * k;
    int s4 = src + 4 * k;
    int s5 = src + 5 * k;
    int s6 = src + 6 * k;
    int s7 = src + 7 * k;
    for (int p = 0; p < kc; p++, d += ldd) {
      for (int g = 0, o = p; g < cols; g += 8, o += k8) {
        dst[d + g] = b[s0 + o];
        dst[d + g + 1] = b[s1 + o];
        dst[d + g + 2] = b[s2 + o];
        dst[d + g + 3] = b[s3 + o];
        dst[d + g + 4] = b[s4 + o];
        dst[d + g + 5] = b[s5 + o];
        dst[d + g + 6] = b[s6 + o];
        dst[d + g + 7] = b[s7 + o];
      }
    }
  }

  /**
   * Packs row panels {@code [ip0, ip1)} of {@code op(A)} ({@code [m, k]}) restricted to {@code [p0, p0 + kc)}.
   *
   * @param transA whether A is stored {@code [k, m]}
   * @param firstRow row of {@code op(A)} that panel 0 of {@code dst} starts at
   * @param stride distance in {@code dst} between consecutive panels (at least {@code kc·mr})
   * @param rowScale null, or (A stored {@code [m, k]}) a scale per row of A: row i is packed as
   *     {@code rowScale[i]·A[i, ·]}, each product rounded to float
   */
  static void packA(boolean transA, int m, int k, float[] a, int aOff, float[] rowScale, int mr, int firstRow,
      int ip0, int ip1, int p0, int kc, float[] dst, int base, int stride) {
    for (int ip = ip0; ip < ip1; ip++) {
      int i0 = firstRow + ip * mr;
      int rows = Math.min(mr, m - i0);
      int d = base + ip * stride;
      if (rowScale != null) {
        packScaledRowMajorPanel(k, a, aOff + i0 * k + p0, rowScale, i0, rows, mr, kc, dst, d);
      } else if (transA && rows == 8 && mr == 8) {
        packColumnMajorPanel8(m, a, aOff + p0 * m + i0, kc, dst, d);
      } else if (transA && rows == 6 && mr == 6) {
        packColumnMajorPanel6(m, a, aOff + p0 * m + i0, kc, dst, d);
      } else if (transA) {
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

  /**
   * A full eight-row panel from A stored {@code [k, m]}: eight contiguous values per summation step, written out one
   * by one so that the JIT sees fixed offsets (3.5 times faster than the general loop).
   */
  private static void packColumnMajorPanel8(int m, float[] a, int s, int kc, float[] dst, int d) {
    for (int p = 0; p < kc; p++, s += m, d += 8) {
      dst[d] = a[s];
      dst[d + 1] = a[s + 1];
      dst[d + 2] = a[s + 2];
      dst[d + 3] = a[s + 3];
      dst[d + 4] = a[s + 4];
      dst[d + 5] = a[s + 5];
      dst[d + 6] = a[s + 6];
      dst[d + 7] = a[s + 7];
    }
  }

  /** {@link #packColumnMajorPanel8} for a full six-row panel (the micro-kernel's tile where vectors are narrower). */
  private static void packColumnMajorPanel6(int m, float[] a, int s, int kc, float[] dst, int d) {
    for (int p = 0; p < kc; p++, s += m, d += 6) {
      dst[d] = a[s];
      dst[d + 1] = a[s + 1];
      dst[d + 2] = a[s + 2];
      dst[d + 3] = a[s + 3];
      dst[d + 4] = a[s + 4];
      dst[d + 5] = a[s + 5];
    }
  }

  /**
   * {@link #packRowMajorPanel} of the rows scaled, row r of the panel by {@code scale[i0 + r]}: full eight-row panels
   * sixteen summation steps at a time through {@link VectorTranspose#panel8Scaled}, the rest value by value.
   */
  private static void packScaledRowMajorPanel(int k, float[] a, int src, float[] scale, int i0, int rows, int mr,
      int kc, float[] dst, int d) {
    int p0 = 0;
    if (VectorTranspose.AVAILABLE && rows == 8 && mr == 8) {
      for (; p0 + 16 <= kc; p0 += 16) {
        VectorTranspose.panel8Scaled(a, src + p0, k, scale, i0, dst, d + 8 * p0);
      }
    }
    if (rows == 6 && mr == 6) {
      packScaledRowMajorPanel6(k, a, src, scale, i0, kc, dst, d);
      return;
    }
    for (int p = p0, o = d + p0 * mr; p < kc; p++, o += mr) {
      for (int r = 0, s = src + p; r < rows; r++, s += k) {
        dst[o + r] = scale[i0 + r] * a[s];
      }
      for (int r = rows; r < mr; r++) {
        dst[o + r] = 0f;
      }
    }
  }

  /** {@link #packScaledRowMajorPanel} of a full six-row panel, from six running offsets. */
  private static void packScaledRowMajorPanel6(int k, float[] a, int src, float[] scale, int i0, int kc,
      float[] dst, int d) {
    float r0 = scale[i0];
    float r1 = scale[i0 + 1];
    float r2 = scale[i0 + 2];
    float r3 = scale[i0 + 3];
    float r4 = scale[i0 + 4];
    float r5 = scale[i0 + 5];
    int s0 = src;
    int s1 = src + k;
    int s2 = src + 2 * k;
    int s3 = src + 3 * k;
    int s4 = src + 4 * k;
    int s5 = src + 5 * k;
    for (int p = 0; p < kc; p++, d += 6) {
      dst[d] = r0 * a[s0 + p];
      dst[d + 1] = r1 * a[s1 + p];
      dst[d + 2] = r2 * a[s2 + p];
      dst[d + 3] = r3 * a[s3 + p];
      dst[d + 4] = r4 * a[s4 + p];
      dst[d + 5] = r5 * a[s5 + p];
    }
  }

  /** Row panel from A stored {@code [m, k]}: interleaves {@code rows} contiguous rows, zero rows after them. */
  private static void packRowMajorPanel(int k, float[] a, int src, int rows, int mr, int kc, float[] dst, int d) {
    if (rows == 8 && mr == 8) {
      packRowMajorPanel8(k, a, src, kc, dst, d);
      return;
    }
    if (rows == 6 && mr == 6) {
      packRowMajorPanel6(k, a, src, kc, dst, d);
      return;
    }
    for (int p = 0, o = d; p < kc; p++, o += mr) {
      for (int r = 0, s = src + p; r < rows; r++, s += k) {
        dst[o + r] = a[s];
      }
      for (int r = rows; r < mr; r++) {
        dst[o + r] = 0f;
      }
    }
  }
  /**
   * A full eight-row panel from A stored {@code [m, k]}: sixteen summation steps at a time through vector registers
   * where the vectors have sixteen lanes ({@link VectorTranspose#panel8}: a 5000 × 200 × 784 product 8% faster on two
   * Zen 4 cores, BENCHMARKS.md), the rest from eight running offsets, each a fixed distance from the summation index,
   * so the JIT keeps no bounds check or inner loop per value (2.5 times faster than the general loop).
   */
  private static void packRowMajorPanel8(int k, float[] a, int src, int kc, float[] dst, int d) {
    int p0 = 0;
    if (VectorTranspose.AVAILABLE) {
      for (; p0 + 16 <= kc; p0 += 16) {
        VectorTranspose.panel8(a, src + p0, k, dst, d + 8 * p0);
      }
    }
    src += p0;
    kc -= p0;
    d += 8 * p0;
    int s0 = src;
    int s1 = src + k;
    int s2 = src + 2 * k;
    int s3 = src + 3 * k;
    int s4 = src + 4 * k;
    int s5 = src + 5 * k;
    int s6 = src + 6 * k;
    int s7 = src + 7 * k;
    for (int p = 0; p < kc; p++, d += 8) {
      dst[d] = a[s0 + p];
      dst[d + 1] = a[s1 + p];
      dst[d + 2] = a[s2 + p];
      dst[d + 3] = a[s3 + p];
      dst[d + 4] = a[s4 + p];
      dst[d + 5] = a[s5 + p];
      dst[d + 6] = a[s6 + p];
      dst[d + 7] = a[s7 + p];
    }
  }

  /** {@link #packRowMajorPanel8}'s running offsets for a full six-row panel. */
  private static void packRowMajorPanel6(int k, float[] a, int src, int kc, float[] dst, int d) {
    int s0 = src;
    int s1 = src + k;
    int s2 = src + 2 * k;
    int s3 = src + 3 * k;
    int s4 = src + 4 * k;
    int s5 = src + 5 * k;
    for (int p = 0; p < kc; p++, d += 6) {
      dst[d] = a[s0 + p];
      dst[d + 1] = a[s1 + p];
      dst[d + 2] = a[s2 + p];
      dst[d + 3] = a[s3 + p];
      dst[d + 4] = a[s4 + p];
      dst[d + 5] = a[s5 + p];
    }
  }
}
