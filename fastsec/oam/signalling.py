"""OAM signalling: IDFT/DFT mode matrices, JiMa signal/AN mode sets, Zadoff–Chu and MIMO variants.

Paper 002, Sec. III-A and Sec. V. Alice sends ``x = T s̃`` (eq. (8); ``T = F`` for OAM,
``T = diag(w) F`` with a Zadoff–Chu sequence w for the ZC baseline, eq. (59), ``T = I`` for the
plain-MIMO baseline, where stream l leaves antenna l); Bob's receiver combines with the rows of
``F^H`` (eq. (13); ``I`` for MIMO). Column l of ``F`` is
``f_l = N^{-1/2} [e^{j l φ_1}, ..., e^{j l φ_N}]^T`` with Alice's element azimuths φ_n.

JiMa (joint index modulation and AN): the N_s signal modes are mode 0 plus N_s - 1 of the
N_A - 1 other low-order modes 1..N_A-1; the N_z AN modes are chosen among the N - N_A
high-order modes N_A..N-1. Of the ``C(N_A-1, N_s-1) C(N-N_A, N_z)`` possible signal/AN (SN)
pairs the first ``G = 2^floor(log2(...))`` in lexicographic order (signal set major) carry
``log2 G`` index bits (Theorem 1, eq. (16)).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

#: Waveforms: ``"oam"`` (IDFT/DFT, eq. (8), (13)), ``"zc"`` (Zadoff–Chu-weighted OAM, eq. (59)),
#: ``"mimo"`` (plain antenna-domain streams, the PA RIS-MIMO baseline; no index bits).
WAVEFORMS = ("oam", "zc", "mimo")


def uca_azimuths(n: int, alpha_rad: float) -> np.ndarray:
    """Element azimuths ``φ_n = 2π(n-1)/N + α`` [rad] of an N-element UCA, shape (N,).

    Paper 002, Sec. II (φ_n for Alice, ψ_m for Bob, κ_v for Eve).
    """
    return 2.0 * np.pi * np.arange(n) / n + alpha_rad


def idft_matrix(n: int, alpha_rad: float = 0.0) -> np.ndarray:
    """OAM generation matrix F = [f_0, ..., f_{N-1}] (paper 002, eq. (8)).

    Parameters
    ----------
    n : int
        Number of UCA elements N (= number of OAM modes).
    alpha_rad : float
        Initial azimuth α_A of Alice's first element [rad].

    Returns
    -------
    ndarray, shape (N, N), complex128
        ``F[k, l] = exp(j l φ_{k+1}) / sqrt(N)``; unitary.

    """
    phi = uca_azimuths(n, alpha_rad)
    return np.exp(1j * np.outer(phi, np.arange(n))) / np.sqrt(n)


def dft_matrix(n: int, alpha_rad: float = 0.0) -> np.ndarray:
    """Bob's OAM decomposition matrix F^H (paper 002, eq. (13)), shape (N, N), complex128."""
    return idft_matrix(n, alpha_rad).conj().T


def zadoff_chu(n: int, root: int = 1) -> np.ndarray:
    """Zadoff–Chu sequence w of length N and root U (paper 002, eq. (59)).

    ``w_n = exp(j π U (n-1)^2 / N)`` for even N (the paper's form) and
    ``w_n = exp(j π U (n-1) n / N)`` for odd N (the standard odd-length form, which the paper
    does not state). ``root`` must satisfy ``1 <= U < N`` and ``gcd(U, N) = 1``.

    Returns
    -------
    ndarray, shape (N,), complex128
        Unit-modulus sequence.

    """
    k = np.arange(n, dtype=float)
    phase = k * k if n % 2 == 0 else k * (k + 1.0)
    return np.exp(1j * np.pi * root * phase / n)


def transmit_matrix(waveform: str, n: int, alpha_rad: float = 0.0, zc_root: int = 1) -> np.ndarray:
    """Alice's precoding matrix T, ``x = T s̃``: column l sends stream (mode) l.

    ``F`` for ``"oam"`` (eq. (8)), ``diag(w) F`` for ``"zc"`` (eq. (59)), ``I`` for ``"mimo"``.

    Returns
    -------
    ndarray, shape (N, N), complex128

    """
    if waveform == "mimo":
        return np.eye(n, dtype=complex)
    f = idft_matrix(n, alpha_rad)
    if waveform == "zc":
        return zadoff_chu(n, zc_root)[:, None] * f
    return f


def receive_matrix(waveform: str, n: int, alpha_rad: float = 0.0) -> np.ndarray:
    """Bob's combining matrix: row l extracts stream l (``F^H``, eq. (13); ``I`` for MIMO).

    Returns
    -------
    ndarray, shape (N, N), complex128

    """
    if waveform == "mimo":
        return np.eye(n, dtype=complex)
    return dft_matrix(n, alpha_rad)


def sn_combinations(n: int, n_a: int, n_s: int, n_z: int) -> int:
    """Count the JiMa signal/AN mode-set pairs, ``C(N_A-1, N_s-1) C(N-N_A, N_z)`` (Sec. III-A)."""
    return math.comb(n_a - 1, n_s - 1) * math.comb(n - n_a, n_z)


def sn_pair_count(n: int, n_a: int, n_s: int, n_z: int) -> int:
    """Usable SN pairs ``G = 2^floor(log2(C(N_A-1, N_s-1) C(N-N_A, N_z)))`` (Sec. III-A)."""
    return 1 << (sn_combinations(n, n_a, n_s, n_z).bit_length() - 1)


def sn_pairs(n: int, n_a: int, n_s: int, n_z: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """List the G usable SN pairs ``(signal modes, AN modes)``, in lexicographic order (Sec. III-A).

    Signal sets contain mode 0 and N_s - 1 modes of 1..N_A-1; AN sets contain N_z modes of
    N_A..N-1. Pairs are ordered signal-set major, both sets ascending; the first G are kept.

    Returns
    -------
    list of (tuple of int, tuple of int)
        Length G; each entry ``(signal_modes, an_modes)``, both sorted ascending.

    """
    signal_sets = ((0, *rest) for rest in itertools.combinations(range(1, n_a), n_s - 1))
    pairs = itertools.product(signal_sets, list(itertools.combinations(range(n_a, n), n_z)))
    return list(itertools.islice(pairs, sn_pair_count(n, n_a, n_s, n_z)))


def sn_pair(n: int, n_a: int, n_s: int, n_z: int, index: int) -> tuple[tuple[int, ...],
                                                                        tuple[int, ...]]:
    """Return pair ``index`` of :func:`sn_pairs` without listing the others (0 <= index < G).

    Unranks the signal set and the AN set in lexicographic order, so that large N do not
    enumerate ``C(N_A-1, N_s-1) C(N-N_A, N_z)`` pairs.
    """
    signal_rank, an_rank = divmod(index, math.comb(n - n_a, n_z))
    return ((0, *_unrank(range(1, n_a), n_s - 1, signal_rank)),
            _unrank(range(n_a, n), n_z, an_rank))


def _unrank(items: range, k: int, rank: int) -> tuple[int, ...]:
    """Return the ``rank``-th k-combination of ``items`` in lexicographic order."""
    chosen = []
    start = 0
    for remaining in range(k, 0, -1):
        for i in range(start, len(items)):
            block = math.comb(len(items) - i - 1, remaining - 1)
            if rank < block:
                chosen.append(items[i])
                start = i + 1
                break
            rank -= block
    return tuple(chosen)
