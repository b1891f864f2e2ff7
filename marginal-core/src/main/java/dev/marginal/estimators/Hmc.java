package dev.marginal.estimators;

import dev.marginal.random.RngKey;

/**
 * One Hamiltonian Monte Carlo transition per chain for {@link Ais}: momentum p ~ N(0, I), L leapfrog steps of size
 * ε_r on {@code H(z, p) = −log f_β(z) + |p|²/2}, and a Metropolis test {@code u < exp(H_0 − H_L)} in double. A
 * non-finite proposal is rejected. The leapfrog map is volume-preserving and reversible, so the transition leaves
 * f_β invariant (Neal, "MCMC using Hamiltonian dynamics", 2011). Row r draws its momentum from
 * {@code key.foldIn(r)} and its uniform from {@code key.foldIn(r).foldIn(1)}.
 */
final class Hmc {
  /** The acceptance rate the step sizes adapt towards. */
  static final double TARGET_ACCEPTANCE = 0.65;
  /** The adaptation rate of log ε per transition. */
  static final double ADAPTATION = 0.05;

  private Hmc() {}

  /**
   * Moves every chain of {@code s} by one transition for f_β with step sizes {@code s.stepSize}; with {@code adapt},
   * each chain's step size then moves towards {@link #TARGET_ACCEPTANCE}. Returns the accepted count.
   */
  static int transition(Ais.Chains s, double beta, int leapfrogSteps, RngKey key, boolean adapt) {
    int rows = s.rows;
    int d = s.d;
    double[] p = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      float[] m = key.foldIn(r).normals(d);
      for (int j = 0; j < d; j++) {
        p[r * d + j] = m[j];
      }
    }
    double[] logF0 = new double[rows];
    double[] grad = new double[rows * d];
    s.logTarget(s.z, beta, logF0, grad);
    double[] kinetic0 = kinetic(p, rows, d);
    double[] z = s.z.clone();
    double[] logF = new double[rows];
    for (int l = 0; l < leapfrogSteps; l++) {
      for (int k = 0; k < z.length; k++) {
        double eps = s.stepSize[k / d];
        p[k] += 0.5 * eps * grad[k];
        z[k] += eps * p[k];
      }
      s.logTarget(z, beta, logF, grad);
      for (int k = 0; k < z.length; k++) {
        p[k] += 0.5 * s.stepSize[k / d] * grad[k];
      }
    }
    double[] kinetic1 = kinetic(p, rows, d);
    int accepted = 0;
    for (int r = 0; r < rows; r++) {
      double logAccept = (logF[r] - kinetic1[r]) - (logF0[r] - kinetic0[r]);
      boolean ok = Double.isFinite(logAccept) && StrictMath.log(key.foldIn(r).foldIn(1).uniformOpen()) < logAccept;
      if (ok) {
        System.arraycopy(z, r * d, s.z, r * d, d);
        accepted++;
      }
      if (adapt) {
        s.stepSize[r] *= StrictMath.exp(ADAPTATION * ((ok ? 1 : 0) - TARGET_ACCEPTANCE));
      }
    }
    return accepted;
  }

  private static double[] kinetic(double[] p, int rows, int d) {
    double[] k = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += p[r * d + j] * p[r * d + j];
      }
      k[r] = 0.5 * s;
    }
    return k;
  }
}
