package dev.marginal.nn;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A multilayer perceptron: {@code h_{l+1} = act(h_l W_l + b_l)} for hidden layers and a linear output layer.
 * Weights are stored {@code [in, out]} so a batch {@code [N, in]} multiplies without transposes.
 *
 * <p>Initialisation (Glorot &amp; Bengio 2010 for tanh/softplus, He et al. 2015 for relu): weights uniform in
 * ±√(6/(in+out)) (tanh, softplus) or ±√(6/in) (relu); biases zero.
 */
public final class Mlp {
  private final int[] sizes;
  private final Activation activation;
  private final List<Parameter> weights;
  private final List<Parameter> biases;

  private Mlp(int[] sizes, Activation activation, List<Parameter> weights, List<Parameter> biases) {
    this.sizes = sizes;
    this.activation = activation;
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * A freshly initialised MLP.
   *
   * @param name prefix for parameter names ("encoder" gives "encoder.w0", "encoder.b0", ...)
   * @param sizes layer widths {@code [in, hidden..., out]}, at least two, all positive
   */
  public static Mlp create(String name, int[] sizes, Activation activation, RngKey key) {
    validate(sizes);
    List<Parameter> w = new ArrayList<>();
    List<Parameter> b = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      double limit = activation == Activation.RELU && l + 2 < sizes.length
          ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
      float[] u = key.foldIn(l).uniforms(in * out);
      for (int i = 0; i < u.length; i++) {
        u[i] = (float) ((2 * u[i] - 1) * limit);
      }
      w.add(new Parameter(name + ".w" + l, Tensor.wrap(u, in, out)));
      b.add(new Parameter(name + ".b" + l, Tensor.zeros(out)));
    }
    return new Mlp(sizes.clone(), activation, w, b);
  }

  /** An MLP from existing parameters (as read from a model file). */
  public static Mlp of(int[] sizes, Activation activation, List<Parameter> weights, List<Parameter> biases) {
    validate(sizes);
    if (weights.size() != sizes.length - 1 || biases.size() != sizes.length - 1) {
      throw new IllegalArgumentException("an MLP with sizes " + Arrays.toString(sizes) + " needs "
          + (sizes.length - 1) + " weight and bias parameters");
    }
    for (int l = 0; l + 1 < sizes.length; l++) {
      int[] ws = weights.get(l).shape();
      int[] bs = biases.get(l).shape();
      if (ws.length != 2 || ws[0] != sizes[l] || ws[1] != sizes[l + 1] || bs.length != 1 || bs[0] != sizes[l + 1]) {
        throw new IllegalArgumentException("layer " + l + " parameters have shapes " + Arrays.toString(ws) + " and "
            + Arrays.toString(bs) + ", expected [" + sizes[l] + ", " + sizes[l + 1] + "] and [" + sizes[l + 1] + "]");
      }
    }
    return new Mlp(sizes.clone(), activation, List.copyOf(weights), List.copyOf(biases));
  }

  private static void validate(int[] sizes) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least input and output sizes");
    }
    for (int s : sizes) {
      if (s < 1) {
        throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
      }
    }
  }

  /**
   * Applies the network.
   *
   * @param x input {@code [N, in]}
   * @return output {@code [N, out]}
   */
  public Var apply(Tape tape, Var x) {
    int last = weights.size() - 1;
    return hidden(tape, x).linear(tape.param(weights.get(last)), tape.param(biases.get(last)));
  }

  /**
   * The hidden layers only: the input of the linear output layer, {@code [N, sizes[L−1]]} (x itself for a network
   * without hidden layers).
   *
   * @param x input {@code [N, in]}
   */
  public Var hidden(Tape tape, Var x) {
    Var h = x;
    for (int l = 0; l + 1 < weights.size(); l++) {
      Var w = tape.param(weights.get(l));
      Var b = tape.param(biases.get(l));
      h = activation == Activation.TANH ? h.linearTanh(w, b) : activation.apply(h.linear(w, b));
    }
    return h;
  }

  /** All parameters, weights and biases interleaved by layer. */
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    for (int l = 0; l < weights.size(); l++) {
      all.add(weights.get(l));
      all.add(biases.get(l));
    }
    return Collections.unmodifiableList(all);
  }

  public List<Parameter> weights() {
    return weights;
  }

  public List<Parameter> biases() {
    return biases;
  }

  /** Layer widths {@code [in, hidden..., out]}. */
  public int[] sizes() {
    return sizes.clone();
  }

  public Activation activation() {
    return activation;
  }

  public int inputSize() {
    return sizes[0];
  }

  public int outputSize() {
    return sizes[sizes.length - 1];
  }

  /** Multiply-adds per row for one forward pass. */
  public long macsPerRow() {
    long m = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      m += (long) sizes[l] * sizes[l + 1];
    }
    return m;
  }
}
