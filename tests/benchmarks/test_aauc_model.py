"""pytest-benchmark comparisons for the AAUC system model (run with ``-m benchmark``).

Groups put each fastsec path beside its reference at the sizes of the acceptance criteria:

- ``angular-1000x99``: angular_matrix for 1000 drops x 99 helping users vs a
  scipy.integrate.quad loop (epsrel 1e-10, split at the closest point) and vs the plain loop
  a researcher writes (``quad(f, 0, D_K)`` at default tolerances, the same integrand); all
  accuracies are recorded in ``extra_info`` against quad at epsrel 1e-13 on the first drops.
- ``channels-1000xK100xN100``: draw_batch vs NumPy drawing the same number of complex normals
  (the floor) vs a per-drop NumPy implementation.
- ``eq10-T210xM1000``: the eq. (10) kernel vs its NumPy/BLAS twin (210 training points, 1000
  Monte-Carlo samples, ~140 rho nodes, K = 3).

Print the ratios with ``--benchmark-columns=min,mean,rounds`` (on a shared machine the
minimum is the robust statistic).
"""

import math

import numpy as np
import pytest
from scipy import integrate

from fastsec.aauc import Scenario, angular_matrix, draw_batch
from fastsec.reference.aauc import angular_matrix_quad, draw_numpy

DROPS = 1000


@pytest.fixture(scope="module")
def batch():
    return draw_batch(Scenario(N=2, K=100), np.random.default_rng(5), DROPS)


def _quad_loop(batch, drops, epsrel):
    s = batch.scenario
    return np.array([angular_matrix_quad(batch.D[i], batch.theta[i], s.alpha, s.rho0,
                                         epsrel=epsrel) for i in range(drops)])


def _plain_quad_loop(batch, drops):
    # eq. (12) as a researcher writes it: one default quad(f, 0, D_K) per helping user
    s = batch.scenario
    out = np.empty((drops, batch.D.shape[1] - 1))
    for i in range(drops):
        D, theta = batch.D[i], batch.theta[i]
        cK, sK = math.cos(theta[-1]), math.sin(theta[-1])
        for k in range(len(D) - 1):
            xk, yk = D[k] * math.cos(theta[k]), D[k] * math.sin(theta[k])

            def f(rho, xk=xk, yk=yk, cK=cK, sK=sK):
                return ((rho * cK - xk) ** 2 + (rho * sK - yk) ** 2) ** (-s.alpha / 2)

            out[i, k] = s.rho0 / D[-1] * integrate.quad(f, 0.0, D[-1])[0]
    return out


def _max_rel_error(J, batch, drops=5):
    tight = _quad_loop(batch, drops, 1e-13)
    return float(np.max(np.abs(J[:drops] / tight - 1)))


@pytest.mark.benchmark(group="angular-1000x99")
def test_angular_fastsec(benchmark, batch):
    angular_matrix(batch)  # warm-up (JIT compilation or cache load)
    J = benchmark(angular_matrix, batch)
    benchmark.extra_info["max_rel_error"] = _max_rel_error(J, batch)


@pytest.mark.benchmark(group="angular-1000x99")
def test_angular_quad_loop(benchmark, batch):
    J = benchmark.pedantic(_quad_loop, args=(batch, DROPS, 1e-10), rounds=1, iterations=1)
    benchmark.extra_info["max_rel_error"] = _max_rel_error(J, batch)


@pytest.mark.benchmark(group="angular-1000x99")
def test_angular_plain_quad_loop(benchmark, batch):
    J = benchmark.pedantic(_plain_quad_loop, args=(batch, DROPS), rounds=1, iterations=1)
    benchmark.extra_info["max_rel_error"] = _max_rel_error(J, batch)


CHANNELS = Scenario(N=100, K=100)


@pytest.mark.benchmark(group="channels-1000xK100xN100")
def test_channels_fastsec(benchmark):
    rng = np.random.default_rng(0)
    draw_batch(CHANNELS, rng, 1)  # warm-up
    benchmark.pedantic(draw_batch, args=(CHANNELS, rng, DROPS), rounds=10, iterations=1)


@pytest.mark.benchmark(group="channels-1000xK100xN100")
def test_channels_numpy_normals_floor(benchmark):
    s = CHANNELS
    rng = np.random.default_rng(0)
    count = 2 * DROPS * (s.K * s.N + s.N + 2 * (s.K - 1))  # real normals of one batch
    benchmark.pedantic(rng.standard_normal, args=(count,), rounds=10, iterations=1)


@pytest.mark.benchmark(group="channels-1000xK100xN100")
def test_channels_numpy_per_drop(benchmark):
    rng = np.random.default_rng(0)

    def loop():
        return [draw_numpy(CHANNELS, rng) for _ in range(DROPS)]

    benchmark.pedantic(loop, rounds=5, iterations=1)


@pytest.fixture(scope="module")
def eq10_inputs():
    from fastsec.aauc import draw_at, secrecy

    s = Scenario(N=4, K=3, alpha=2.5, kr_db=30.0)
    rng = np.random.default_rng(0)
    d = draw_at(s, rng, np.array([335.3, 108.6, 500.0]), np.radians([10.0, 90.0, 0.0]), 250.0)
    rho, weights = secrecy._rho_rule(d, 32)
    amp = secrecy._path_amplitudes(d, rho)
    conj_mix = rng.standard_normal((2, 1000)) + 1j * rng.standard_normal((2, 1000))
    w = (rng.standard_normal((210, 2)) + 1j * rng.standard_normal((210, 2))) * 0.05
    return amp, weights, conj_mix, w, rng.uniform(0, 3, 210), np.full(210, 1e-11)


@pytest.mark.benchmark(group="eq10-T210xM1000")
def test_eq10_kernel(benchmark, eq10_inputs):
    from fastsec.kernels.aauc.secrecy import secrecy_average_batch_parallel as kernel

    out = np.empty(210), np.empty(210)
    kernel(*eq10_inputs, *out)  # warm-up
    benchmark(kernel, *eq10_inputs, *out)


@pytest.mark.benchmark(group="eq10-T210xM1000")
def test_eq10_numpy_twin(benchmark, eq10_inputs):
    from fastsec.reference.aauc import secrecy_average_numpy

    benchmark.pedantic(secrecy_average_numpy, args=eq10_inputs, rounds=3, iterations=1)
