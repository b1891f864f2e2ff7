"""Golden values for the hard targets (ManyModeMixture "gmm40", ManyWell), computed independently of the Java code.

Run: python3 hard_targets.py   (scipy 1.17.1, numpy 2.4.6)

MEANS are the 40 component means that ManyModeMixture draws from RngKey.of(0).foldIn(40), printed by the Java class
(ManyModeMixture.means()); ManyModeMixtureTest checks that the class still draws these. The entropy is Simpson's rule
on [-48, 48]^2 at two grid sizes; the double-well integral is scipy.integrate.quad on the whole line.
"""
import numpy as np
from scipy import integrate

MEANS = [(20.013811952219875, 39.1329842427293), (-8.457493712827624, 39.503853940939194), (6.375567087518821, -34.96624800463611), (15.495864164742104, 22.59866078244377), (27.019171284487136, -28.297812222094024), (0.7459923381504829, 36.66641642139357), (-25.76167876296866, 4.305730637823482), (35.948238143774475, 38.620033912093106), (29.581866341524574, -27.04686089329705), (14.951358875685967, -9.627021322234723), (38.09252629711367, -38.67440350417516), (27.693676761290618, -28.036440912493124), (39.54670175346837, -5.702440803813422), (-16.71915393390784, -32.27350736608357), (0.3405560292660237, 39.18269125881529), (16.47642161608828, -8.78842119579133), (-39.59117250812405, 25.113465770053427), (1.0444435713397837, -6.54476368189445), (11.990835762151075, -39.907463558015806), (2.5812130986680604, 32.50560617716854), (24.905344359158157, 26.87504726299542), (-7.8694839191403965, 23.443955582536795), (-39.33750528979047, -2.5794558899172415), (4.683503335818022, -1.9767010468131208), (27.42225408908218, -38.08233873010294), (11.709077634224814, -38.48975951925861), (-35.25320834831072, -31.983783014347694), (-25.599311218648218, 24.282446749953948), (-32.28437447228349, 22.011558273776252), (31.589563977263566, -37.728856332756884), (-17.0874776633414, 9.792099520555224), (-1.6165812876569152, 24.41249732407174), (15.612118024988453, 19.303897400891206), (-0.23684564244485173, -37.73325463755284), (34.73152817868144, 34.29044408303195), (0.7966369341515644, 4.043329012177752), (10.992831776344696, 5.945446825572063), (-22.337439104294916, 0.24754127592800046), (6.483279319517754, 1.8320163200593687), (32.06961818267631, 11.642906823017123), ]
M = np.array(MEANS)


def gmm_logp(x0, x1):
    d = -0.5*((x0[...,None]-M[:,0])**2 + (x1[...,None]-M[:,1])**2)
    mx = d.max(-1)
    return mx + np.log(np.exp(d-mx[...,None]).sum(-1)) - np.log(40) - np.log(2*np.pi)
for n in (1921, 2881):
    g = np.linspace(-48, 48, n)
    mass = 0.0; ent = 0.0
    wy = None
    rows = []
    for i in range(n):
        lp = gmm_logp(np.full(n, g[i]), g)
        p = np.exp(lp)
        rows.append((integrate.simpson(p, x=g), integrate.simpson(-p*lp, x=g)))
    r = np.array(rows)
    print("gmm40 n=", n, "mass", integrate.simpson(r[:,0], x=g), "entropy", integrate.simpson(r[:,1], x=g))
f = lambda x: np.exp(0.5*x + 6*x**2 - x**4)
val, err = integrate.quad(f, -np.inf, np.inf, epsabs=0, epsrel=1e-13)
print("double-well 1-D log integral", repr(np.log(val)), err/val)
print("many-well:32 log Z", repr(16*(np.log(val) + 0.5*np.log(2*np.pi))))

POINTS = [(0.3, -0.7), (-1.5, 0.4), (20.0, 39.0), (27.5, -28.0), (-3.0, 3.0)]
print("gmm40 log p at", POINTS, [repr(float(gmm_logp(np.array(p[0]), np.array(p[1])))) for p in POINTS])
x32 = np.linspace(-2.0, 2.2, 32)
wells, normals = x32[0::2], x32[1::2]
print("many-well:32 log p~ at linspace(-2, 2.2, 32)", repr(float((0.5*wells + 6*wells**2 - wells**4).sum() - 0.5*(normals**2).sum())))
I = val
m1 = integrate.quad(lambda x: x*f(x), -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0]/I
m2 = integrate.quad(lambda x: x*x*f(x), -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0]/I
m4 = integrate.quad(lambda x: x**4*f(x), -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0]/I
pr = integrate.quad(f, 0, np.inf, epsabs=0, epsrel=1e-13)[0]/I
print("double well E[x], E[x^2], E[x^4], P(x > 0)", repr(m1), repr(m2), repr(m4), repr(pr))
