#!/usr/bin/env python3
"""Minimax (Remez) polynomial coefficients for core/fast_math.h, with their errors (docs/fast_math.md).

Each approximated function is the smooth "tail" left after the leading terms that core/fast_math.h
evaluates exactly or in extended precision, so rounding the fitted coefficients to double costs
nothing measurable. Fits are minimax in relative error on the reduced interval; the script prints the
coefficients as C++ hex-float literals and the relative error of the double-rounded polynomial.

  log:  log((1+s)/(1-s)) = 2s + s*z*Q(z),  z = s^2,  |s| <= (sqrt2-1)/(sqrt2+1) (+ margin)
  sin:  sin(pi r/2) = r*(pi/2 + z*P(z)),     z = r^2,  |r| <= 1/2
  cos:  cos(pi r/2) = 1 - (pi^2/8) z + z^2*C(z)
  exp:  exp(r) = 1 + r + r^2*E(r),             |r| <= ln2/2 (+ margin)

Usage: python3 scripts/fit_fast_math_polynomials.py   (needs mpmath; takes about a minute)
"""
import mpmath as mp

mp.mp.dps = 50


def remez(f, a, b, degree, iterations=30):
    """Coefficients c[0..degree] minimizing max |(p(x) - f(x)) / f(x)| on [a, b]."""
    n = degree + 2
    # Chebyshev extrema as the starting reference.
    ref = [(a + b) / 2 - (b - a) / 2 * mp.cos(mp.pi * i / (n - 1)) for i in range(n)]
    grid = [a + (b - a) * mp.mpf(i) / 4000 for i in range(4001)]
    level = None
    for _ in range(iterations):
        # Solve p(x_i) - f(x_i) = (-1)^i E f(x_i) for the coefficients and the level E.
        rows = [[x**j for j in range(degree + 1)] + [(-1) ** i * f(x)] for i, x in enumerate(ref)]
        sol = mp.lu_solve(mp.matrix(rows), mp.matrix([f(x) for x in ref]))
        coeffs = [sol[j] for j in range(degree + 1)]
        level = abs(sol[degree + 1])

        def err(x):
            return (mp.polyval(coeffs[::-1], x) - f(x)) / f(x)

        # New reference: the extremum of each sign run of the error on a dense grid, refined locally.
        values = [err(x) for x in grid]
        runs, start = [], 0
        for i in range(1, len(grid) + 1):
            if i == len(grid) or mp.sign(values[i]) != mp.sign(values[start]):
                best = max(range(start, i), key=lambda k: abs(values[k]))
                runs.append(best)
                start = i
        extrema = []
        for k in runs:
            lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
            sign = mp.sign(values[k])
            for _ in range(60):  # golden-section search for the extremum of sign * err
                m1, m2 = lo + (hi - lo) * 0.381966, lo + (hi - lo) * 0.618034
                if sign * err(m1) > sign * err(m2):
                    hi = m2
                else:
                    lo = m1
            extrema.append((lo + hi) / 2)
        while len(extrema) > n:  # drop the smallest end extremum until the reference has n points
            if abs(err(extrema[0])) < abs(err(extrema[-1])):
                extrema.pop(0)
            else:
                extrema.pop()
        if len(extrema) < n:
            break
        worst = max(abs(err(x)) for x in extrema)
        ref = extrema
        if worst - level < level * mp.mpf("1e-6"):
            break
    return coeffs, level


def rounded_error(f, a, b, coeffs):
    """Max relative error of the polynomial with double-rounded coefficients (dense grid)."""
    doubles = [mp.mpf(float(c)) for c in coeffs]
    worst = mp.mpf(0)
    for i in range(20001):
        x = a + (b - a) * mp.mpf(i) / 20000
        worst = max(worst, abs((mp.polyval(doubles[::-1], x) - f(x)) / f(x)))
    return worst


def series_guard(f, limit):
    """f with its limit at 0 (the tails below have removable singularities there)."""
    return lambda x: limit if x == 0 else f(x)


def fit(name, f, a, b, degree):
    coeffs, level = remez(f, a, b, degree)
    err = rounded_error(f, a, b, coeffs)
    print(f"// {name}: degree {degree} on [{mp.nstr(a, 8)}, {mp.nstr(b, 8)}], "
          f"minimax relative error {mp.nstr(level, 4)} (2^{mp.nstr(mp.log(level, 2), 4)}), "
          f"with double coefficients {mp.nstr(err, 4)}")
    for j, c in enumerate(coeffs):
        print(f"  {float(c).hex()},  // c{j} = {mp.nstr(c, 20)}")


def main():
    # log: m in [p, 2p) with p = 0x3FE6A09E667F3BCD (sqrt(2)/2 rounded), s = f/(2+f), f = m - 1.
    p = mp.mpf(float.fromhex("0x1.6a09e667f3bcdp-1"))
    s_max = max(abs((p - 1) / (p + 1)), abs((2 * p - 1) / (2 * p + 1))) * (1 + mp.mpf("1e-6"))
    z_max = s_max**2

    def log_tail(z):
        s = mp.sqrt(z)
        return (2 * mp.atanh(s) - 2 * s) / (s * z)

    fit("log Q(z)", series_guard(log_tail, mp.mpf(2) / 3), mp.mpf(0), z_max, 7)

    half_pi = mp.pi / 2

    def sin_tail(z):
        r = mp.sqrt(z)
        return (mp.sin(half_pi * r) / r - half_pi) / z

    fit("sin P(z)", series_guard(sin_tail, -half_pi**3 / 6), mp.mpf(0), mp.mpf(1) / 4, 6)

    c1 = mp.pi**2 / 8

    def cos_tail(z):
        r = mp.sqrt(z)
        return (mp.cos(half_pi * r) - 1 + c1 * z) / z**2

    fit("cos C(z)", series_guard(cos_tail, half_pi**4 / 24), mp.mpf(0), mp.mpf(1) / 4, 5)

    r_max = mp.log(2) / 2 * (1 + mp.mpf("1e-4"))

    def exp_tail(r):
        return (mp.exp(r) - 1 - r) / r**2

    fit("exp E(r)", series_guard(exp_tail, mp.mpf(1) / 2), -r_max, r_max, 10)


if __name__ == "__main__":
    main()
