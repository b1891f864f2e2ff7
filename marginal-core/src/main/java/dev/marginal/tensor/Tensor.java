package dev.marginal.tensor;

import java.util.Arrays;

/**
 * A dense, row-major float32 tensor with an explicit shape. Tensors are immutable by convention: every operation
 * returns a new tensor, and the only way to change one's contents is through an explicitly named
 * {@code ...InPlace} method on a tensor you created yourself.
 *
 * <p>Reductions accumulate in double. Binary operations broadcast as NumPy does.
 */
public final class Tensor {
  final float[] data;
  final int[] shape;

  Tensor(float[] data, int[] shape) {
    this.data = data;
    this.shape = shape;
  }

  // ---------------------------------------------------------------- factories

  /** A tensor holding a copy of {@code values} with the given shape. */
  public static Tensor of(float[] values, int... shape) {
    check(values.length, shape);
    return new Tensor(values.clone(), shape.clone());
  }

  /**
   * A tensor that takes ownership of {@code values} without copying. The caller must not touch the array again.
   */
  public static Tensor wrap(float[] values, int... shape) {
    check(values.length, shape);
    return new Tensor(values, shape.clone());
  }

  /**
   * A tensor that takes ownership of {@code values} and has the shape of {@code like}, without copying either
   * (shapes are never mutated, so tensors may share them). For backward rules on small tensors, where cloning the
   * shape is a measurable part of the cost.
   */
  public static Tensor wrapLike(float[] values, Tensor like) {
    if (values.length != like.data.length) {
      throw new IllegalArgumentException(values.length + " values do not fill shape " + Shape.str(like.shape));
    }
    return new Tensor(values, like.shape);
  }

  /** A tensor from double values, rounded to float. */
  public static Tensor of(double[] values, int... shape) {
    check(values.length, shape);
    float[] d = new float[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) values[i];
    }
    return new Tensor(d, shape.clone());
  }

  /** A rank-2 tensor from rows of equal length. */
  public static Tensor ofRows(float[]... rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] d = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, expected " + cols);
      }
      System.arraycopy(rows[i], 0, d, i * cols, cols);
    }
    return new Tensor(d, new int[] {rows.length, cols});
  }

  /** A rank-0 tensor. */
  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, new int[0]);
  }

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    return new Tensor(new float[Shape.size(shape)], shape.clone());
  }

  /** A tensor with every element equal to {@code value}. */
  public static Tensor full(float value, int... shape) {
    float[] d = new float[Shape.size(shape)];
    Arrays.fill(d, value);
    return new Tensor(d, shape.clone());
  }

  private static void check(int length, int[] shape) {
    if (Shape.size(shape) != length) {
      throw new IllegalArgumentException(
          length + " values do not fill shape " + Arrays.toString(shape));
    }
  }

  // ---------------------------------------------------------------- accessors

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** Whether this tensor has the same shape as {@code other} (no copy of either shape is made). */
  public boolean sameShape(Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The size of dimension {@code axis} (negative counts from the end). */
  public int dim(int axis) {
    return shape[Shape.axis(axis, shape.length)];
  }

  /** The number of elements. */
  public int size() {
    return data.length;
  }

  /** A copy of the elements in row-major order. */
  public float[] toArray() {
    return data.clone();
  }

  /** The elements widened to double. */
  public double[] toDoubleArray() {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = data[i];
    }
    return d;
  }

  /**
   * The backing array, for kernels and readers that must not copy. Callers must treat it as read-only unless they
   * created this tensor themselves (for example with {@link #zeros}) and it has not been shared.
   */
  public float[] buffer() {
    return data;
  }

  /** The element at a multi-index. */
  public float get(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("index rank " + index.length + " != tensor rank " + shape.length);
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of " + Shape.str(shape));
      }
      flat = flat * shape[i] + index[i];
    }
    return data[flat];
  }

  /** The value of a one-element tensor. */
  public float item() {
    if (data.length != 1) {
      throw new IllegalStateException("item() needs one element, tensor has shape " + Shape.str(shape));
    }
    return data[0];
  }

  /** Whether every element is finite (no NaN, no ±∞). */
  public boolean allFinite() {
    for (float v : data) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- shape

  /** The same elements with another shape of equal size; one dimension may be -1 (inferred). */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int infer = -1;
    int known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("only one -1 allowed in reshape " + Arrays.toString(newShape));
        }
        infer = i;
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || data.length % known != 0) {
        throw new IllegalArgumentException("cannot reshape " + Shape.str(shape) + " to " + Arrays.toString(newShape));
      }
      s[infer] = data.length / known;
    }
    if (Shape.size(s) != data.length) {
      throw new IllegalArgumentException("cannot reshape " + Shape.str(shape) + " to " + Arrays.toString(newShape));
    }
    return new Tensor(data, s);
  }

  /** The transpose of a rank-2 tensor. */
  public Tensor transpose() {
    if (shape.length != 2) {
      throw new IllegalArgumentException("transpose needs rank 2, got " + Shape.str(shape));
    }
    int r = shape[0];
    int c = shape[1];
    float[] out = new float[data.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[j * r + i] = data[i * c + j];
      }
    }
    return new Tensor(out, new int[] {c, r});
  }

  /** Elements {@code [from, to)} along {@code axis}. */
  public Tensor slice(int axis, int from, int to) {
    return Indexing.slice(this, Shape.axis(axis, shape.length), from, to);
  }

  /** Concatenation along {@code axis}; other dimensions must agree. */
  public static Tensor concat(int axis, Tensor... parts) {
    return Indexing.concat(Shape.axis(axis, parts[0].shape.length), parts);
  }

  /** Selects entries {@code index[i]} along axis 0: the result has shape {@code [index.length, ...rest]}. */
  public Tensor gather(int[] index) {
    return Indexing.gather(this, index);
  }

  /** Expands to a broadcast-compatible larger shape by repeating elements. */
  public Tensor broadcastTo(int... target) {
    return Broadcast.to(this, target);
  }

  /** Sums a broadcast result back down to {@code target} (the adjoint of {@link #broadcastTo}). */
  public Tensor sumTo(int... target) {
    return Reductions.sumTo(this, target);
  }

  // ---------------------------------------------------------------- elementwise

  public Tensor add(Tensor o) {
    return Broadcast.apply(Broadcast.Op.ADD, this, o);
  }

  public Tensor sub(Tensor o) {
    return Broadcast.apply(Broadcast.Op.SUB, this, o);
  }

  public Tensor mul(Tensor o) {
    return Broadcast.apply(Broadcast.Op.MUL, this, o);
  }

  public Tensor div(Tensor o) {
    return Broadcast.apply(Broadcast.Op.DIV, this, o);
  }

  /** Elementwise maximum (ties pick this tensor's element). */
  public Tensor maximum(Tensor o) {
    return Broadcast.apply(Broadcast.Op.MAX, this, o);
  }

  public Tensor add(float s) {
    return Elementwise.affine(this, 1f, s);
  }

  public Tensor mul(float s) {
    return Elementwise.affine(this, s, 0f);
  }

  /** {@code a·x + b} elementwise. */
  public Tensor affine(float a, float b) {
    return Elementwise.affine(this, a, b);
  }

  public Tensor neg() {
    return Elementwise.affine(this, -1f, 0f);
  }

  public Tensor exp() {
    return Elementwise.map(Elementwise.Fn.EXP, this);
  }

  public Tensor log() {
    return Elementwise.map(Elementwise.Fn.LOG, this);
  }

  public Tensor log1p() {
    return Elementwise.map(Elementwise.Fn.LOG1P, this);
  }

  public Tensor expm1() {
    return Elementwise.map(Elementwise.Fn.EXPM1, this);
  }

  public Tensor tanh() {
    return Elementwise.map(Elementwise.Fn.TANH, this);
  }

  public Tensor sigmoid() {
    return Elementwise.map(Elementwise.Fn.SIGMOID, this);
  }

  /** log(1 + eˣ), computed without overflow. */
  public Tensor softplus() {
    return Elementwise.map(Elementwise.Fn.SOFTPLUS, this);
  }

  public Tensor relu() {
    return Elementwise.map(Elementwise.Fn.RELU, this);
  }

  public Tensor square() {
    return Elementwise.map(Elementwise.Fn.SQUARE, this);
  }

  public Tensor sqrt() {
    return Elementwise.map(Elementwise.Fn.SQRT, this);
  }

  public Tensor abs() {
    return Elementwise.map(Elementwise.Fn.ABS, this);
  }

  /** 1 where the element is positive, else 0 (the derivative of relu). */
  public Tensor step() {
    return Elementwise.map(Elementwise.Fn.STEP, this);
  }

  /** Elements limited to {@code [lo, hi]}; NaN stays NaN. */
  public Tensor clamp(float lo, float hi) {
    return Elementwise.clamp(this, lo, hi);
  }

  /** {@code mask ? a : b} elementwise with broadcasting; a mask element is true when non-zero. */
  public static Tensor where(Tensor mask, Tensor a, Tensor b) {
    return Broadcast.where(mask, a, b);
  }

  // ---------------------------------------------------------------- linear algebra

  /** {@code this · other}; a left operand of rank > 2 is treated as {@code [prod(leading), last]}. */
  public Tensor matmul(Tensor other) {
    return matmul(other, false, false);
  }

  /**
   * {@code op(this) · op(other)} with optional transposes (rank-2 operands, or a rank ≥ 2 left operand without
   * transpose, whose leading dimensions are kept).
   */
  public Tensor matmul(Tensor other, boolean transA, boolean transB) {
    return LinearAlgebra.matmul(this, other, transA, transB);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements (accumulated in double). */
  public float sum() {
    return (float) Reductions.sumAll(this);
  }

  /** Sum of all elements in double. */
  public double sumDouble() {
    return Reductions.sumAll(this);
  }

  /** Sum over {@code axis}. */
  public Tensor sum(int axis, boolean keepDims) {
    return Reductions.sum(this, Shape.axis(axis, shape.length), keepDims);
  }

  /** Mean over {@code axis}. */
  public Tensor mean(int axis, boolean keepDims) {
    int a = Shape.axis(axis, shape.length);
    return Reductions.sum(this, a, keepDims).mul(1f / shape[a]);
  }

  /** Maximum over {@code axis}. */
  public Tensor max(int axis, boolean keepDims) {
    return Reductions.max(this, Shape.axis(axis, shape.length), keepDims);
  }

  /** log Σ exp over {@code axis}, max-shifted; −∞ when every input is −∞. */
  public Tensor logSumExp(int axis, boolean keepDims) {
    return Reductions.logSumExp(this, Shape.axis(axis, shape.length), keepDims);
  }

  /** Prefix log-sum-exp along {@code axis}: {@code out[j] = log Σ_{i≤j} exp(x[i])}. */
  public Tensor logCumSumExp(int axis) {
    return Reductions.logCumSumExp(this, Shape.axis(axis, shape.length));
  }

  // ---------------------------------------------------------------- in place

  /** Adds {@code scale · other} into this tensor's elements (same shape). Only for tensors you own. */
  public void addInPlace(Tensor other, float scale) {
    if (!Arrays.equals(shape, other.shape)) {
      throw new IllegalArgumentException("addInPlace shape " + Shape.str(other.shape) + " != " + Shape.str(shape));
    }
    float[] o = other.data;
    for (int i = 0; i < data.length; i++) {
      data[i] += scale * o[i];
    }
  }

  // ---------------------------------------------------------------- object

  /** Whether shapes and elements are equal (bitwise for floats). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor && Arrays.equals(shape, ((Tensor) o).shape) && Arrays.equals(data, ((Tensor) o).data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    int show = Math.min(data.length, 8);
    StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append('[');
    for (int i = 0; i < show; i++) {
      sb.append(i == 0 ? "" : ", ").append(data[i]);
    }
    return sb.append(data.length > show ? ", ...]" : "]").toString();
  }
}
