package dev.marginal.random;

/**
 * An immutable, splittable pseudo-random key. Nothing in marginal owns a generator: everything that samples takes
 * a key, and the same key always yields the same numbers, whatever the thread count.
 *
 * <p>A key is one 64-bit state. Derivation uses the SplitMix64 finaliser {@link #mix(long)} (Steele, Lea &amp;
 * Flood 2014): {@code split(n)[i] = mix(state + (i + 1)·γ₁)}, {@code foldIn(d) = mix(state ⊕ mix(d + γ₂))}.
 * Streams of numbers are counter-based: value {@code i} of a stream is {@code mix(mix(state) + (i + 1)·γ₁)}, so
 * any slice of a stream can be computed independently, in any order, on any thread.
 *
 * <p>Typical use: {@code RngKey step = root.foldIn(epoch).foldIn(step);} then split {@code step} once per
 * independent consumer.
 */
public final class RngKey {
  /** The golden-ratio increment of SplitMix64, 2⁶⁴/φ. */
  static final long GAMMA = 0x9E3779B97F4A7C15L;
  /** A second odd constant so that {@code foldIn} and {@code split} never collide. */
  static final long FOLD_GAMMA = 0xD1B54A32D192ED03L;

  private final long state;

  private RngKey(long state) {
    this.state = state;
  }

  /** A root key from a user seed. */
  public static RngKey of(long seed) {
    return new RngKey(mix(seed ^ 0x5DEECE66DL));
  }

  /**
   * The seed s with {@code RngKey.of(s).equals(this)}: for a root key, the seed it was made from (for a provenance
   * record). Every key has exactly one, since {@link #mix} is a bijection of the 64-bit integers.
   */
  public long seed() {
    return unmix(state) ^ 0x5DEECE66DL;
  }

  /** The inverse of {@link #mix}: each xor-shift undone by repeated shifts, each product by the inverse mod 2^64. */
  static long unmix(long z) {
    z = (z ^ (z >>> 31) ^ (z >>> 62)) * 0x319642B2D24D8EC3L;
    z = (z ^ (z >>> 27) ^ (z >>> 54)) * 0x96DE1B173F119089L;
    return z ^ (z >>> 30) ^ (z >>> 60);
  }

  /** The key's 64-bit state, for saving in model provenance. */
  public long state() {
    return state;
  }

  /** Restores a key from {@link #state()}. */
  public static RngKey ofState(long state) {
    return new RngKey(state);
  }

  /**
   * Derives {@code n} independent keys.
   *
   * @param n number of keys, at least 1
   */
  public RngKey[] split(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("split needs n >= 1, got " + n);
    }
    RngKey[] keys = new RngKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new RngKey(mix(state + (i + 1) * GAMMA));
    }
    return keys;
  }

  /** Derives key {@code i} of {@link #split(int)} without building the array. */
  public RngKey split(int n, int i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("key " + i + " of " + n);
    }
    return new RngKey(mix(state + (i + 1) * GAMMA));
  }

  /** Derives a key that depends on this key and {@code data} (an epoch, a step, an example index). */
  public RngKey foldIn(long data) {
    return new RngKey(mix(state ^ mix(data + FOLD_GAMMA)));
  }

  /** Raw 64-bit value {@code i} of this key's stream. */
  public long bits(long i) {
    return mix(mix(state) + (i + 1) * GAMMA);
  }

  /** One uniform double in [0, 1) (value 0 of the stream). */
  public double uniform() {
    return toUnit(bits(0));
  }

  /** One uniform double in (0, 1]: safe to take the log of. */
  public double uniformOpen() {
    return 1.0 - toUnit(bits(0));
  }

  /** One standard normal double. */
  public double normal() {
    double[] z = new double[1];
    Samplers.normals(this, z, 0, 1);
    return z[0];
  }

  /** {@code n} uniform floats in [0, 1). */
  public float[] uniforms(int n) {
    float[] out = new float[n];
    Samplers.uniforms(this, out, 0, n);
    return out;
  }

  /**
   * {@code n} standard normal floats.
   *
   * @throws IllegalArgumentException if n is negative (an int product that overflowed)
   */
  public float[] normals(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("the number of normals must be >= 0, got " + n);
    }
    float[] out = new float[n];
    Samplers.normals(this, out, 0, n);
    return out;
  }

  /** A uniformly chosen integer in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    return (int) ((bits(0) >>> 33) * bound >>> 31);
  }

  /** Maps 64 random bits to a double in [0, 1) with 53 bits of precision. */
  static double toUnit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** The SplitMix64 finaliser (variant 13 of Stafford's mixers). */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RngKey && ((RngKey) o).state == state;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(state);
  }

  @Override
  public String toString() {
    return String.format("RngKey[%016x]", state);
  }
}
