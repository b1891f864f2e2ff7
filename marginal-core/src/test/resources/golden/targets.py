"""Golden values for dev.marginal.targets, computed independently of the Java code.

Run: python3 targets.py   (scipy 1.17.1, numpy 2.4.6)

Log densities use scipy.stats where the target is a named distribution and direct numpy formulas for the
Rezende & Mohamed (2015) energies and the normflows two-moons energy. Log Z and entropy are Simpson's rule
(scipy.integrate.simpson) on an n x n grid, printed for two grid sizes so the quadrature error is visible.
"""
import numpy as np
from scipy import integrate, special, stats

POINTS = [(0.3, -0.7), (-1.5, 0.4), (2.2, 1.1), (0.05, -2.5), (-3.0, 3.0)]
BOX = 4.0


def seed_funnel(x0, x1):
    return stats.norm.logpdf(x1, 0, 1.35) + stats.norm.logpdf(x0, 0, np.exp(x1))


def neal_funnel(x):
    v = x[0]
    return stats.norm.logpdf(v, 0, 3) + stats.norm.logpdf(np.asarray(x[1:]), 0, np.exp(v / 2)).sum()


def mixture(x0, x1):
    # 2*pi * [1/2 N([-2,0], I) + 1/2 N([2,0], 4I)]
    a = stats.multivariate_normal.logpdf(np.stack([x0, x1], -1), [-2, 0], np.eye(2))
    b = stats.multivariate_normal.logpdf(np.stack([x0, x1], -1), [2, 0], 4 * np.eye(2))
    return np.log(2 * np.pi) + np.logaddexp(np.log(0.5) + a, np.log(0.5) + b)


def w1(z1):
    return np.sin(2 * np.pi * z1 / 4)


def w2(z1):
    return 3 * np.exp(-0.5 * ((z1 - 1) / 0.6) ** 2)


def w3(z1):
    return 3 * special.expit((z1 - 1) / 0.3)


def u1(z1, z2):
    r = np.hypot(z1, z2)
    return 0.5 * ((r - 2) / 0.4) ** 2 - np.logaddexp(-0.5 * ((z1 - 2) / 0.6) ** 2, -0.5 * ((z1 + 2) / 0.6) ** 2)


def u2(z1, z2):
    return 0.5 * ((z2 - w1(z1)) / 0.4) ** 2


def u3(z1, z2):
    return -np.logaddexp(-0.5 * ((z2 - w1(z1)) / 0.35) ** 2, -0.5 * ((z2 - w1(z1) + w2(z1)) / 0.35) ** 2)


def u4(z1, z2):
    return -np.logaddexp(-0.5 * ((z2 - w1(z1)) / 0.4) ** 2, -0.5 * ((z2 - w1(z1) + w3(z1)) / 0.35) ** 2)


def two_moons(z1, z2):
    # normflows TwoMoons.log_prob, written as in its source.
    a = np.abs(z1)
    r = np.hypot(z1, z2)
    return -0.5 * ((r - 2) / 0.2) ** 2 - 0.5 * ((a - 2) / 0.3) ** 2 + np.log1p(np.exp(-4 * a / 0.09))


def quadrature(log_density, lo, hi, n):
    """log Z and entropy of the normalized density on [lo, hi]^2 by Simpson's rule."""
    g = np.linspace(lo, hi, n)
    z1, z2 = np.meshgrid(g, g, indexing="ij")
    lp = log_density(z1, z2)
    m = lp.max()
    w = np.exp(lp - m)
    mass = integrate.simpson(integrate.simpson(w, x=g, axis=1), x=g)
    plogp = integrate.simpson(integrate.simpson(w * lp, x=g, axis=1), x=g)
    log_z = m + np.log(mass)
    return log_z, log_z - plogp / mass


def main():
    print("points", POINTS)
    print("funnel    ", [repr(float(seed_funnel(*p))) for p in POINTS])
    print("neal2     ", [repr(float(neal_funnel(p))) for p in POINTS])
    x10 = [0.8, -0.3, 1.2, 0.0, -2.1, 0.5, 0.9, -1.4, 0.2, 1.7]
    print("neal10 at", x10, repr(float(neal_funnel(x10))))
    print("mixture   ", [repr(float(mixture(*p))) for p in POINTS])
    for name, u in [("u1", u1), ("u2", u2), ("u3", u3), ("u4", u4)]:
        print(name.ljust(10), [repr(float(-u(*p))) for p in POINTS])
    print("two-moons ", [repr(float(two_moons(*p))) for p in POINTS])
    print("funnel P(x1 < -2)", stats.norm.cdf(-2 / 1.35), " neal P(v < -2)", stats.norm.cdf(-2 / 3))
    for name, f in [("u1", lambda a, b: -u1(a, b)), ("u2", lambda a, b: -u2(a, b)),
                    ("u3", lambda a, b: -u3(a, b)), ("u4", lambda a, b: -u4(a, b)), ("two-moons", two_moons)]:
        for n in (2001, 4001):
            print(name, "box [-4,4]^2 n =", n, "logZ, entropy =", quadrature(f, -BOX, BOX, n))
    for n in (2001, 4001):
        print("mixture [-25,25]^2 n =", n, "logZ, entropy =", quadrature(mixture, -25, 25, n))


if __name__ == "__main__":
    main()
