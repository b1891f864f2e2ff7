package dev.marginal.estimators;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * SUMO's gradient with respect to the model is unbiased for ∇ log p(x): on the linear-Gaussian model (with a fixed
 * proposal, so E[SUMO] = log p(x) for every parameter value) the mean gradient of Σ_i SUMO(x_i) matches
 * {@code ∇ Σ_i log N(x_i; b, C)}, {@code C = WWᵀ + σ²I}, in closed form:
 *
 * <pre>
 *   ∂/∂W = Σ_i (C⁻¹ r_i r_iᵀ C⁻¹ − C⁻¹) W,   ∂/∂b = Σ_i C⁻¹ r_i,   ∂/∂log σ = σ² Σ_i (r_iᵀ C⁻² r_i − tr C⁻¹),
 * </pre>
 *
 * r_i = x_i − b. The standard error comes from the spread of independent group means. IWAE_{m+K} (SUMO without its
 * correction weights) fails this test.
 */
class SumoGradientTest {
  private static final int GROUPS = 40;
  private static final int PER_GROUP = 500;

  private final LinearGaussianModel model = Fixtures.correlatedModel();
  private final Tensor x = Fixtures.data(model);

  /** The exact gradient of Σ_i log p(x_i) in the order W (row-major), b, log σ. */
  private double[] exactGradient() {
    int dd = model.dataDim();
    int d = model.latentDim();
    float[] w = model.weight().value().buffer();
    float[] b = model.bias().value().buffer();
    double s2 = StrictMath.exp(2 * model.logNoiseStd().value().item());
    double[][] c = new double[dd][dd];
    for (int i = 0; i < dd; i++) {
      for (int j = 0; j < dd; j++) {
        for (int k = 0; k < d; k++) {
          c[i][j] += (double) w[i * d + k] * w[j * d + k];
        }
      }
      c[i][i] += s2;
    }
    double[][] inv = invert(c);
    double[] g = new double[dd * d + dd + 1];
    for (int p = 0; p < x.dim(0); p++) {
      double[] u = new double[dd]; // C⁻¹ r
      for (int i = 0; i < dd; i++) {
        for (int j = 0; j < dd; j++) {
          u[i] += inv[i][j] * (x.get(p, j) - b[j]);
        }
      }
      for (int i = 0; i < dd; i++) {
        for (int k = 0; k < d; k++) {
          double s = 0;
          for (int j = 0; j < dd; j++) {
            s += (u[i] * u[j] - inv[i][j]) * w[j * d + k];
          }
          g[i * d + k] += s;
        }
        g[dd * d + i] += u[i];
      }
      double quad = 0;
      double trace = 0;
      for (int i = 0; i < dd; i++) {
        quad += u[i] * u[i];
        trace += inv[i][i];
      }
      g[dd * d + dd] += s2 * (quad - trace);
    }
    return g;
  }

  private static double[][] invert(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int r = col + 1; r < n; r++) {
        piv = Math.abs(m[r][col]) > Math.abs(m[piv][col]) ? r : piv;
      }
      double[] t = m[col];
      m[col] = m[piv];
      m[piv] = t;
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int j = 0; j < 2 * n; j++) {
            m[r][j] -= f * m[col][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        inv[i][j] = m[i][n + j] / m[i][i];
      }
    }
    return inv;
  }

  /** One group's mean gradient of Σ_i SUMO(x_i) over {@code PER_GROUP} independent repeats. */
  private double[] groupGradient(Sumo sumo, DiagNormal q, RngKey key) {
    int b = x.dim(0);
    int n = PER_GROUP * b;
    int[] rows = new int[n];
    RngKey[] keys = new RngKey[n];
    for (int r = 0; r < PER_GROUP; r++) {
      for (int i = 0; i < b; i++) {
        rows[r * b + i] = i;
        keys[r * b + i] = key.foldIn(r).foldIn(i);
      }
    }
    for (Parameter p : model.parameters()) {
      p.zeroGrad();
    }
    Tape tape = new Tape();
    Var v = sumo.logMarginal(model, tape.constant(x.gather(rows)), q.constantOn(tape).gather(rows), keys);
    tape.backward(v.sum().mul(1f / PER_GROUP));
    double[] g = new double[exactGradient().length];
    int at = 0;
    for (Parameter p : model.parameters()) {
      for (float value : p.gradBuffer()) {
        g[at++] = value;
      }
    }
    return g;
  }

  @Test
  void sumoGradientIsUnbiasedForTheGradientOfLogMarginal() {
    DiagNormal q = Fixtures.imperfectProposal(new Tape(), model, x, 0.3f, 1.3f);
    double[] exact = exactGradient();
    double[][] groups = new double[GROUPS][];
    for (int g = 0; g < GROUPS; g++) {
      groups[g] = groupGradient(Sumo.of(1), q, RngKey.of(300).foldIn(g));
    }
    for (int c = 0; c < exact.length; c++) {
      double[] col = new double[GROUPS];
      for (int g = 0; g < GROUPS; g++) {
        col[g] = groups[g][c];
      }
      Fixtures.assertWithinFourSe("SUMO gradient coordinate " + c, Fixtures.mean(col), Fixtures.stdErr(col),
          exact[c]);
    }
  }
}
