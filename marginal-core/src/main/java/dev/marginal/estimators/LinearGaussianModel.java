package dev.marginal.estimators;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Var;
import dev.marginal.config.ParameterException;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.autodiff.Tape;
import dev.marginal.math.Cholesky;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;

/**
 * The linear-Gaussian latent variable model z ~ N(0, I_d), x | z ~ N(Wz + b, σ² I_D): probabilistic PCA as a
 * {@link LatentVariableModel} with trainable parameters, and the exact oracle the estimators are tested against.
 *
 * <p>Closed forms (Tipping &amp; Bishop 1999), evaluated in double from the float parameter values:
 * <ul>
 *   <li>marginal: x ~ N(b, C), C = WWᵀ + σ²I, so {@code log p(x) = −½[D log 2π + log det C + (x−b)ᵀC⁻¹(x−b)]};
 *   <li>posterior: z | x ~ N(M⁻¹Wᵀ(x − b), σ² M⁻¹), M = WᵀW + σ²I.
 * </ul>
 * With q(z|x) equal to the posterior every importance weight equals p(x), so ELBO = IWAE = SUMO = log p(x). The
 * posterior covariance is diagonal, and {@link #diagonalPosterior} exact, when W has orthogonal columns.
 */
public final class LinearGaussianModel implements LatentVariableModel, ExactLogMarginal {
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter logNoiseStd;

  private LinearGaussianModel(Parameter weight, Parameter bias, Parameter logNoiseStd) {
    this.weight = weight;
    this.bias = bias;
    this.logNoiseStd = logNoiseStd;
  }

  /**
   * @param w the loading matrix W, {@code [D][d]}
   * @param b the offset, length D
   * @param noiseStd σ &gt; 0
   * @throws ParameterException (w) if W has no rows or no columns
   */
  public static LinearGaussianModel of(double[][] w, double[] b, double noiseStd) {
    java.util.Objects.requireNonNull(w, "w");
    java.util.Objects.requireNonNull(b, "b");
    int outDim = w.length;
    if (outDim == 0) {
      throw ParameterException.of("w", "has no rows (expected W as [D][d] with D >= 1)");
    }
    int latent = w[0].length;
    if (latent == 0) {
      throw ParameterException.of("w", "has no columns (expected W as [D][d] with d >= 1)");
    }
    if (b.length != outDim) {
      throw new IllegalArgumentException("b has length " + b.length + ", W has " + outDim + " rows");
    }
    if (!(noiseStd > 0) || !Double.isFinite(noiseStd)) {
      throw new IllegalArgumentException("noiseStd must be positive and finite, got " + noiseStd);
    }
    double[] flat = new double[outDim * latent];
    for (int i = 0; i < outDim; i++) {
      if (w[i].length != latent) {
        throw new IllegalArgumentException("row " + i + " of W has " + w[i].length + " entries, expected " + latent);
      }
      System.arraycopy(w[i], 0, flat, i * latent, latent);
    }
    return new LinearGaussianModel(new Parameter("weight", Tensor.of(flat, outDim, latent)),
        new Parameter("bias", Tensor.of(b, outDim)),
        new Parameter("logNoiseStd", Tensor.of(new double[] {StrictMath.log(noiseStd)}, 1)));
  }

  /** W, {@code [D, d]}. */
  public Parameter weight() {
    return weight;
  }

  /** b, {@code [D]}. */
  public Parameter bias() {
    return bias;
  }

  /** log σ, {@code [1]}. */
  public Parameter logNoiseStd() {
    return logNoiseStd;
  }

  /** All trainable parameters. */
  public List<Parameter> parameters() {
    return List.of(weight, bias, logNoiseStd);
  }

  /** D. */
  public int dataDim() {
    return weight.value().dim(0);
  }

  @Override
  public int latentDim() {
    return weight.value().dim(1);
  }

  @Override
  public boolean hasStandardNormalPrior() {
    return true;
  }

  @Override
  public Var logPrior(Var z) {
    return DiagNormal.standard(z.tape(), z.shape()).logProb(z);
  }

  @Override
  public Var logLikelihood(Var x, Var z) {
    Tape tape = z.tape();
    Var mean = z.matmul(tape.param(weight), false, true).add(tape.param(bias));
    return DiagNormal.ofLogScale(mean, tape.param(logNoiseStd)).logProb(x);
  }

  /** Draws {@code n} observations x = Wz + b + σε; shape {@code [n, D]}. */
  public Tensor sample(RngKey key, int n) {
    RngKey[] k = key.split(2);
    Tensor z = Tensor.wrap(k[0].normals(n * latentDim()), n, latentDim());
    Tensor noise = Tensor.wrap(k[1].normals(n * dataDim()), n, dataDim());
    float sigma = (float) StrictMath.exp(logNoiseStd.value().item());
    return z.matmul(weight.value(), false, true).add(bias.value()).add(noise.mul(sigma));
  }

  @Override
  public double[] exactLogMarginal(Tensor x) {
    int n = x.dim(0);
    int dd = dataDim();
    double[][] w = weightMatrix();
    double s2 = noiseVariance();
    double[][] c = new double[dd][dd];
    for (int i = 0; i < dd; i++) {
      for (int j = 0; j < dd; j++) {
        double s = i == j ? s2 : 0;
        for (int k = 0; k < latentDim(); k++) {
          s += w[i][k] * w[j][k];
        }
        c[i][j] = s;
      }
    }
    Cholesky chol = Cholesky.of(c);
    double[] out = new double[n];
    for (int r = 0; r < n; r++) {
      double[] y = chol.solveLower(centred(x, r));
      double quad = 0;
      for (double v : y) {
        quad += v * v;
      }
      out[r] = -0.5 * (dd * LogSpace.LOG_2PI + chol.logDeterminant() + quad);
    }
    return out;
  }

  /** The exact posterior means M⁻¹Wᵀ(x − b), {@code [N][d]}. */
  public double[][] posteriorMean(Tensor x) {
    Cholesky m = Cholesky.of(posteriorPrecisionTimesNoise());
    double[][] w = weightMatrix();
    double[][] out = new double[x.dim(0)][];
    for (int r = 0; r < out.length; r++) {
      double[] xc = centred(x, r);
      double[] wt = new double[latentDim()];
      for (int k = 0; k < wt.length; k++) {
        for (int i = 0; i < xc.length; i++) {
          wt[k] += w[i][k] * xc[i];
        }
      }
      out[r] = m.solve(wt);
    }
    return out;
  }

  /** The exact posterior covariance σ² M⁻¹, {@code [d][d]} (the same for every x). */
  public double[][] posteriorCovariance() {
    double[][] inv = Cholesky.of(posteriorPrecisionTimesNoise()).inverse();
    double s2 = noiseVariance();
    for (double[] row : inv) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= s2;
      }
    }
    return inv;
  }

  /**
   * N(posterior mean, diag(posterior variances)) as constants on {@code tape}, one row per point: the exact posterior
   * when W has orthogonal columns, otherwise its diagonal (mean-field) approximation.
   *
   * @param x shape {@code [N, D]}
   */
  public DiagNormal diagonalPosterior(Tape tape, Tensor x) {
    double[][] mean = posteriorMean(x);
    double[][] cov = posteriorCovariance();
    int d = latentDim();
    double[] loc = new double[mean.length * d];
    double[] logScale = new double[d];
    for (int r = 0; r < mean.length; r++) {
      System.arraycopy(mean[r], 0, loc, r * d, d);
    }
    for (int k = 0; k < d; k++) {
      logScale[k] = 0.5 * StrictMath.log(cov[k][k]);
    }
    return DiagNormal.ofLogScale(tape.constant(Tensor.of(loc, mean.length, d)),
        tape.constant(Tensor.of(logScale, d)));
  }

  private double[][] posteriorPrecisionTimesNoise() {
    double[][] w = weightMatrix();
    int d = latentDim();
    double[][] m = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int c = 0; c < d; c++) {
        double s = a == c ? noiseVariance() : 0;
        for (double[] row : w) {
          s += row[a] * row[c];
        }
        m[a][c] = s;
      }
    }
    return m;
  }

  private double[][] weightMatrix() {
    float[] f = weight.value().buffer();
    int d = latentDim();
    double[][] w = new double[dataDim()][d];
    for (int i = 0; i < w.length; i++) {
      for (int k = 0; k < d; k++) {
        w[i][k] = f[i * d + k];
      }
    }
    return w;
  }

  private double noiseVariance() {
    return StrictMath.exp(2.0 * logNoiseStd.value().item());
  }

  private double[] centred(Tensor x, int row) {
    if (x.rank() != 2 || x.dim(1) != dataDim()) {
      throw new IllegalArgumentException("x must be [N, " + dataDim() + "]");
    }
    float[] xv = x.buffer();
    float[] b = bias.value().buffer();
    double[] out = new double[dataDim()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (double) xv[row * dataDim() + i] - b[i];
    }
    return out;
  }
}
