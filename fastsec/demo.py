"""The current main job: AAUC drops, the angular matrix and the secrecy-rate models.

Run ``python -m fastsec.demo [--drops N] [--seed S] [--out FILE.png]``. It draws ``N`` drops of
paper 000 with the Section VII defaults (N = 100 antennas, K = 10 users, K_R = 30 dB,
σ² = σ_E² = -80 dBm, P_max = 30 dBm), and for each drop builds a simple feasible point of P1:

- BS beamformer v = √P_max · P⊥ Σ_k g_k / ‖·‖ (sum of the helpers' channels projected onto the
  null space of g_K, so g_K^H v = 0, eq. (11b)),
- users' beamformer w = √p h_K/‖h_K‖ (maximum ratio towards user K) with the smallest
  p <= P_max that lets user K decode at the helpers' rate (so ‖v‖² + ‖w‖² <= 2 P_max, eq. (11a)),
- R = the largest common rate this (v, w) supports (eq. (7)).

It prints, per drop, w^H J w, the angular model Ŝ (eq. 13, λ of the scenario), the exact
average S (eq. 10, with its Monte-Carlo standard error) and the secrecy rate with the drop's
realised eavesdropper channel (eq. 6), and plots S and Ŝ versus σ_E² for the first drop
(paper Fig. 2b style).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from fastsec import units
from fastsec.aauc import (
    Drop,
    Scenario,
    angular_matrix,
    average_secrecy_rate,
    draw_batch,
    instantaneous_secrecy_rate,
    model_secrecy_rate,
)

SIGMA_E_SWEEP_DBM = np.arange(-100.0, -59.0, 4.0)


def feasible_point(drop: Drop) -> tuple[float, np.ndarray, np.ndarray]:
    """(R [bit/s/Hz], w (K-1,), v (N,)) of the demo's simple feasible point (module docstring)."""
    s = drop.scenario
    g_K = drop.g[-1]
    direction = drop.g[:-1].sum(axis=0)
    direction -= g_K * (np.vdot(g_K, direction) / np.vdot(g_K, g_K))
    v = np.sqrt(s.pmax_w) * direction / np.linalg.norm(direction)
    snr_helpers = np.min(np.abs(drop.g[:-1].conj() @ v) ** 2) / s.sigma2_w
    gain_K = np.vdot(drop.h_K, drop.h_K).real / s.sigma2_w
    p = min(s.pmax_w, snr_helpers / gain_K)
    w = np.sqrt(p) * drop.h_K / np.linalg.norm(drop.h_K)
    R = 0.5 * np.log2(1 + min(snr_helpers, p * gain_K))
    return float(R), w, v


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m fastsec.demo", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--drops", type=int, default=8, help="number of drops (default 8)")
    parser.add_argument("--seed", type=int, default=2026, help="seed (default 2026)")
    parser.add_argument("--samples", type=int, default=2000,
                        help="Monte-Carlo samples of eq. (10) (default 2000)")
    parser.add_argument("--out", default="aauc_demo.png", help="plot file (default %(default)s)")
    args = parser.parse_args(argv)
    if args.drops < 1 or args.samples < 2:
        parser.error("--drops must be >= 1 and --samples >= 2")

    seeds = np.random.SeedSequence(args.seed).spawn(2)
    rng_draw, rng_mc = (np.random.default_rng(x) for x in seeds)
    s = Scenario()
    t0 = time.perf_counter()
    batch = draw_batch(s, rng_draw, args.drops)
    J = angular_matrix(batch)
    t_model = time.perf_counter() - t0
    print(f"AAUC demo: N={s.N}, K={s.K}, K_R={s.kr_db:g} dB, alpha={s.alpha:g}, "
          f"sigma_E^2={s.sigma_e2_dbm:g} dBm, lambda={s.lam:g}, {args.drops} drops "
          f"(draws + J in {t_model:.2f} s incl. JIT)")
    header = (f"{'drop':>4} {'D_K[m]':>7} {'R':>6} {'wJw/s2':>9} {'S_model':>8} "
              f"{'S_eq10':>8} {'+-se':>7} {'S_eq6':>7}")
    print(header)
    print("-" * len(header))
    for i in range(args.drops):
        drop = batch[i]
        R, w, _ = feasible_point(drop)
        leak = float(np.sum(J[i] * np.abs(w) ** 2))
        model = model_secrecy_rate(R, w, J[i], s.sigma_e2_w, s.lam)
        exact = average_secrecy_rate(drop, R, w, rng=rng_mc, samples=args.samples)
        inst = instantaneous_secrecy_rate(R, w, drop.h_E, s.sigma_e2_w)
        print(f"{i:>4} {drop.D[-1]:>7.1f} {R:>6.3f} {leak / s.sigma_e2_w:>9.3g} "
              f"{float(model):>8.4f} {exact.value[0]:>8.4f} {exact.stderr[0]:>7.4f} "
              f"{float(inst):>7.4f}")

    drop = batch[0]
    R, w, _ = feasible_point(drop)
    sigma = units.dbm_to_watts(SIGMA_E_SWEEP_DBM)
    exact = average_secrecy_rate(drop, R, w, sigma, rng=rng_mc, samples=args.samples)
    _plot(args.out, SIGMA_E_SWEEP_DBM, exact,
          model_secrecy_rate(R, w, J[0], sigma, s.lam),
          model_secrecy_rate(R, w, J[0], sigma, 1.0), s.lam)
    print(f"plot of S and S_model vs sigma_E^2 (drop 0) written to {Path(args.out).resolve()}; "
          f"total {time.perf_counter() - t0:.1f} s")
    return 0


def _plot(path, sigma_dbm, exact, model, bound, lam):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.errorbar(sigma_dbm, exact.value, yerr=exact.stderr, fmt="o", label="S, eq. (10)")
    ax.plot(sigma_dbm, model, "-", label=f"angular model, eq. (13), λ={lam:g}")
    ax.plot(sigma_dbm, bound, "--", label="lower bound (λ=1)")
    ax.set_xlabel("σ_E² [dBm]")
    ax.set_ylabel("secrecy rate [bit/s/Hz]")
    ax.set_title("AAUC, drop 0: exact average vs angular model")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
