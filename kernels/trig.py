"""Branch-free (vectorisable) sine and cosine kernels, shared by the model kernels.

- :func:`sin_cos`: (sin x, cos x) of an angle x [rad], |x| <= :data:`SINCOS_MAX`:
  Cody-Waite reduction by π/2 and fdlibm's minimax kernels (~1 ulp); the angular quadrature
  of paper 000 calls it once per antiderivative.
- :func:`cis_cycles`: (cos 2πc, sin 2πc) of a number of turns c: the reduction to the nearest
  quarter turn is exact, then the Cephes minimax polynomials for sin and cos (absolute error
  < 3e-16 on [-π/4, π/4]); the near-field channels of paper 002 evaluate their phases
  d/λ in turns with it.

Both exist because each reproduces its model's numbers bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import jit

#: |Δ| [rad] up to which :func:`sin_cos` reduces exactly (larger Δ take the quadrature).
SINCOS_MAX = 1e5

_TWO_OVER_PI = 6.36619772367581382433e-01
_PIO2_1 = 1.57079632673412561417e+00  # first 33 bits of π/2
_PIO2_2 = 6.07710050630396597660e-11  # next 33 bits
_PIO2_3 = 2.02226624879595063154e-21  # π/2 - _PIO2_1 - _PIO2_2
_S1, _S2, _S3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04
_S4, _S5, _S6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
_C1, _C2, _C3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05
_C4, _C5, _C6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11



@jit
def sin_cos(x):
    """(sin x, cos x) without branches (vectorisable), for |x| <= SINCOS_MAX; ~1 ulp.

    Cody-Waite reduction by π/2 in three parts (fdlibm's constants; exact for |n| < 2^20),
    then fdlibm's minimax kernels on [-π/4, π/4] and the quadrant's signs and swap.
    """
    n = math.floor(x * _TWO_OVER_PI + 0.5)
    r = ((x - n * _PIO2_1) - n * _PIO2_2) - n * _PIO2_3
    z = r * r
    sr = r + r * z * (_S1 + z * (_S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))))
    cr = 1.0 - 0.5 * z + z * z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    quadrant = int(n) & 3
    s = cr if quadrant & 1 else sr
    c = sr if quadrant & 1 else cr
    return (-s if quadrant & 2 else s), (-c if (quadrant + 1) & 2 else c)


# Cephes sin.c coefficients (P: sine, Q: cosine): sin r = r + r z P(z), cos r = 1 - z/2 + z^2 Q(z),
# z = r^2.
_P0, _P1, _P2 = 1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6
_P3, _P4, _P5 = -1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1
_Q0, _Q1, _Q2 = -1.13585365213876817300e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7
_Q3, _Q4, _Q5 = 2.48015872888517045348e-5, -1.38888888888730564116e-3, 4.16666666666665929218e-2


@jit
def cis_cycles(cycles):
    """Return ``(cos 2πc, sin 2πc)`` for ``c = cycles`` (a float64 number of turns)."""
    q = math.floor(4.0 * cycles + 0.5)
    r = (cycles - 0.25 * q) * (2.0 * np.pi)
    z = r * r
    s = r + r * z * (((((_P0 * z + _P1) * z + _P2) * z + _P3) * z + _P4) * z + _P5)
    c = 1.0 - 0.5 * z + z * z * (((((_Q0 * z + _Q1) * z + _Q2) * z + _Q3) * z + _Q4) * z + _Q5)
    quadrant = np.int64(q) & 3
    swap = (quadrant & 1) == 1
    cos_out = s if swap else c
    sin_out = c if swap else s
    cos_out = -cos_out if ((quadrant + 1) & 2) != 0 else cos_out
    sin_out = -sin_out if (quadrant & 2) != 0 else sin_out
    return cos_out, sin_out
