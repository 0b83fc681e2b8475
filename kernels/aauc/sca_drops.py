"""SCA methods of paper 000 on a batch of drops in one call: SCO, direct, hybrid and IRS.

Per drop ``b`` (leading axis of every array) :func:`sca_drops` does in compiled code what
:func:`fastsec.aauc.solve` does for one drop:

- ``SCO`` (Sec. IV-B): P2's arrays and the closed-form start (Prop. 2-3) by the functions of
  :mod:`fastsec.kernels.aauc.closed_form`, the helpers' row space (z = Q β, exact:
  :func:`row_space`), the SCA loop :func:`fastsec.kernels.aauc.sco.sco_drop` and every
  output (:func:`fastsec.kernels.aauc.closed_form.p2_outputs`);
- ``DIRECT`` (ref. [54]): the start of :func:`fastsec.aauc.direct.direct` (dominant
  eigenvector of Σ_k g_k g_k^H/‖g_k‖² at full power), the same SCA loop with no helpers
  (budget P_max) and the one-phase outputs;
- ``IRS`` (Sec. VI): P2's arrays, the start of :func:`fastsec.aauc.irs.irs` (eq. (43)'s z at
  full power, c_k = 0.99 |g_k^H v| e^{j arg h_k}), the SCA loop
  :func:`fastsec.kernels.aauc.irs.irs_drop` and the one-phase outputs (w holds c [√W]);
- ``HYBRID``: SCO and direct transmission, keeping the run with the higher realised secrecy
  rate (``SCO`` on a tie, as :func:`fastsec.aauc.solve.choose`).

:func:`sca_drops_parallel` spreads the drops over Numba's threads; each drop runs the same
code as in :func:`sca_drops`, so the two agree bit for bit, and ``solve`` (one drop) runs
:func:`sca_drops` too.
"""

from __future__ import annotations

import cmath
import math

import numba
import numpy as np

from .._jit import jit
from . import closed_form as _cf
from .irs import irs_drop, q2_value
from .kkt import direct_residual, q2_residual
from .sco import sco_drop

#: ``method`` values of :func:`sca_drops`.
SCO, DIRECT, HYBRID, IRS = 0, 1, 2, 3
#: Columns of the ``info`` output: kept history length (iterations + 1), stop code
#: (:mod:`fastsec.kernels.optim.ascent`), interior-point iterations and failures, and the
#: run kept (:data:`SCO` or :data:`DIRECT`).
N_HIST, STOP, IPM_ITERATIONS, IPM_FAILURES, CHOSEN = range(5)
INFO = 5


@jit
def row_space(hs):
    """Orthonormal basis Q of range(hs^H) and hs Q (as :func:`fastsec.aauc.problem.row_space`)."""
    q, rq = np.linalg.qr(np.ascontiguousarray(hs.conj().T))
    return q, np.ascontiguousarray(rq.conj().T)


@jit
def _coords(q, z):
    """Q^H z: the coordinates of z in the orthonormal basis Q."""
    beta = np.zeros(q.shape[1], dtype=np.complex128)
    for j in range(q.shape[0]):
        for k in range(q.shape[1]):
            beta[k] += q[j, k].conjugate() * z[j]
    return beta


@jit
def _expand(q, beta, z):
    """Write z = Q β into ``z``."""
    for j in range(q.shape[0]):
        acc = 0.0j
        for k in range(q.shape[1]):
            acc += q[j, k] * beta[k]
        z[j] = acc


@jit
def _store(res, hist, info):
    """Copy an :class:`~fastsec.kernels.aauc.sco.SCOResult`'s history and counters."""
    n = res.history.shape[0]
    hist[:n] = res.history
    info[N_HIST] = n
    info[STOP] = res.stop
    info[IPM_ITERATIONS] = res.ipm_iterations
    info[IPM_FAILURES] = res.ipm_failures


@jit
def _sco(b, drops, consts, options, row):
    """SCO on drop ``b`` from the closed-form point; outputs into ``row`` (:func:`_row`)."""
    g, h_K, h_E, g_E, J = drops
    vb, wb, out, hist, info = row
    pmax = consts[3]
    p2 = _cf.p2_drop(b, g, h_K, J, consts)
    _, hs_mat, row2, ns, hs, je, _ = p2
    w0 = np.empty(hs.shape[0], dtype=np.complex128)
    z0 = np.empty(hs_mat.shape[1], dtype=np.complex128)
    _cf.prop2_z(hs_mat, row2, _cf.helpers_w(_cf.CLOSED_FORM, hs, ns, je, 2.0 * pmax, w0), z0)
    q, hq = row_space(hs_mat)
    res = sco_drop(hq, hs, je, 2.0 * pmax, _coords(q, z0), w0, options)
    vb[0] = 0.0
    _expand(q, res.beta, vb[1:])
    wb[:] = res.w
    _cf.p2_outputs(b, g, h_E, g_E, consts, p2, vb, wb, out)
    _store(res, hist, info)
    info[CHOSEN] = SCO


@jit
def _start_direct(unit, scale, v0):
    """Dominant eigenvector of Σ_k u_k u_k^H (rows u_k of ``unit``) scaled to ``scale``, in ``v0``.

    Through the K × K matrix C = conj(U) U^T: if C y = μ y, U^T y is an eigenvector of
    U^T conj(U) = Σ_k u_k u_k^H with the same μ (as :func:`fastsec.aauc.direct.direct`).
    """
    K, N = unit.shape
    c = np.empty((K, K), dtype=np.complex128)
    for i in range(K):
        for j in range(K):
            acc = 0.0j
            for n in range(N):
                acc += unit[i, n].conjugate() * unit[j, n]
            c[i, j] = acc
    y = np.linalg.eigh(c)[1][:, K - 1]
    norm2 = 0.0
    for n in range(N):
        acc = 0.0j
        for k in range(K):
            acc += unit[k, n] * y[k]
        v0[n] = acc
        norm2 += acc.real ** 2 + acc.imag ** 2
    factor = scale / math.sqrt(norm2)
    for n in range(N):
        v0[n] *= factor


@jit
def _direct(b, drops, consts, options, row):
    """Direct transmission on drop ``b`` (max–min multicast, one phase); w = 0."""
    g, _, _, g_E, _ = drops
    vb, wb, out, hist, info = row
    sigma, sigma_e, _, pmax = consts
    K, N = g.shape[1], g.shape[2]
    gs = np.empty((K, N), dtype=np.complex128)
    unit = np.empty((K, N), dtype=np.complex128)
    for k in range(K):
        norm2 = 0.0
        for j in range(N):
            gs[k, j] = g[b, k, j].conjugate() / sigma
            norm2 += g[b, k, j].real ** 2 + g[b, k, j].imag ** 2
        norm = math.sqrt(norm2)
        for j in range(N):
            unit[k, j] = g[b, k, j] / norm
    v0 = np.empty(N, dtype=np.complex128)
    _start_direct(unit, math.sqrt(pmax), v0)
    q, hq = row_space(gs)
    none = np.empty(0, dtype=np.complex128)
    res = sco_drop(hq, none, np.empty(0), pmax, _coords(q, v0), none, options)
    _expand(q, res.beta, vb)
    wb[:] = 0.0
    snr = np.inf
    bs = 0.0j
    null = 0.0j
    vn = 0.0
    norm_gk = 0.0
    for j in range(N):
        bs += g_E[b, j].conjugate() * vb[j]
        null += g[b, K - 1, j].conjugate() * vb[j]
        vn += vb[j].real ** 2 + vb[j].imag ** 2
        norm_gk += g[b, K - 1, j].real ** 2 + g[b, K - 1, j].imag ** 2
    for k in range(K):
        acc = 0.0j
        for j in range(N):
            acc += gs[k, j] * vb[j]
        snr = min(snr, acc.real ** 2 + acc.imag ** 2)
    bs /= sigma_e
    rate = math.log2(1.0 + snr)
    eve = math.log2(1.0 + (bs.real ** 2 + bs.imag ** 2))
    out[_cf.OBJECTIVE] = rate
    out[_cf.RATE] = rate
    out[_cf.POWER] = vn
    out[_cf.NULL] = abs(null) / (math.sqrt(norm_gk) * math.sqrt(vn)) if vn > 0.0 else 0.0
    out[_cf.SIGNED] = rate - eve
    out[_cf.SECRECY] = max(rate - eve, 0.0)
    out[_cf.EQ6] = out[_cf.SECRECY]  # no null steering: eq. (6) is the realised rate
    out[_cf.KKT] = direct_residual(g[b], sigma, pmax, vb)
    _store(res, hist, info)
    info[CHOSEN] = DIRECT


@jit
def _irs(b, drops, consts, options, row):
    """IRS-based AAUC on drop ``b`` (Q2, eq. (45)); ``wb`` gets the reflected c [√W]."""
    g, h_K, h_E, g_E, J = drops
    vb, wb, out, hist, info = row
    sigma, sigma_e, _, pmax = consts
    u, hs_mat, row2, ns, hs, je, norm_gk = _cf.p2_drop(b, g, h_K, J, consts)
    m = hs.shape[0]
    z0 = np.empty(hs_mat.shape[1], dtype=np.complex128)
    _cf.prop2_z(hs_mat, row2, _cf.helpers_w(_cf.ASYMPTOTIC, hs, ns, je, 2.0 * pmax, wb), z0)
    q, hq = row_space(hs_mat)
    beta0 = _coords(q, z0)
    beta0 *= math.sqrt(pmax) / np.linalg.norm(beta0)
    h = sigma * hs
    cmax = np.empty(m)
    c0 = np.empty(m, dtype=np.complex128)
    for k in range(m):
        cmax[k] = math.sqrt(pmax) * math.sqrt(row2[k])
        acc = 0.0j
        for j in range(hq.shape[1]):
            acc += hq[k, j] * beta0[j]
        c0[k] = cmath.rect(0.99 * abs(acc), cmath.phase(h[k]))
    je_s = sigma * sigma * je
    res = irs_drop(hq, h, je_s, pmax, cmax, beta0, c0, options)
    vb[0] = 0.0
    _expand(q, res.beta, vb[1:])
    out[_cf.KKT] = q2_residual(hs_mat, row2, hs, je, sigma, pmax, vb[1:], res.w)
    objective, rate = q2_value(hq, h, je_s, res.beta, res.w)
    relay_e = 0.0j
    for k in range(m):
        wb[k] = sigma * res.w[k]
        relay_e += h_E[b, k].conjugate() * wb[k]
    out[_cf.POWER] = _cf.realise(b, g, g_E, u, norm_gk, sigma_e, vb, rate, relay_e / sigma_e,
                                 1, out)
    out[_cf.OBJECTIVE] = objective
    _store(res, hist, info)
    info[CHOSEN] = IRS


@jit
def _row(b, outs):
    """Drop ``b``'s views of the outputs: (v, w, stats, history, info) rows."""
    v, w, stats, history, info, _ = outs
    return v[b], w[b], stats[b], history[b], info[b]


@jit
def _one_drop(b, method, drops, consts, options, outs):
    """Drop ``b`` of :func:`sca_drops`."""
    row = _row(b, outs)
    if method == DIRECT:
        _direct(b, drops, consts, options, row)
        return
    if method == IRS:
        _irs(b, drops, consts, options, row)
        return
    _sco(b, drops, consts, options, row)
    if method == HYBRID:
        other = (np.empty_like(row[0]), np.empty_like(row[1]), np.empty_like(row[2]),
                 np.empty_like(row[3]), np.empty_like(row[4]))
        _direct(b, drops, consts, options, other)
        rates = outs[5]
        rates[b, SCO] = row[2][_cf.SECRECY]
        rates[b, DIRECT] = other[2][_cf.SECRECY]
        if other[2][_cf.SECRECY] > row[2][_cf.SECRECY]:
            row[0][:] = other[0]
            row[1][:] = other[1]
            row[2][:] = other[2]
            row[3][:] = other[3]
            row[4][:] = other[4]


@jit
def sca_drops(method, drops, consts, options, outs):
    """SCO, direct transmission, the hybrid or IRS (``method``) on every drop.

    Parameters
    ----------
    method : int
        :data:`SCO`, :data:`DIRECT`, :data:`HYBRID` or :data:`IRS`.
    drops : tuple
        ``(g, h_K, h_E, g_E, J)``, as in
        :func:`fastsec.kernels.aauc.closed_form.closed_form_drops`.
    consts : tuple of float
        As there.
    options : fastsec.kernels.optim.ascent.SCAOptions
        Of :func:`fastsec.kernels.aauc.sco.sco_drop`, for every run.
    outs : tuple
        Outputs ``(v, w, stats, history, info, rates)``:

        - ``v`` complex128 (B, N): the BS beamformer [√W];
        - ``w`` complex128 (B, K-1): the helpers' beamformer [√W] (zero for direct
          transmission; the reflected amplitudes c for IRS);
        - ``stats`` float64 (B, STATS): the columns of
          :mod:`~fastsec.kernels.aauc.closed_form` (the P2 objective for SCO, the multicast
          rate for direct transmission, Q2 for IRS; power (‖z‖² + ‖w‖²)/2 for SCO, ‖v‖² for
          the one-phase methods [W]; secrecy rates over two or one phases; the KKT residual
          of the problem the run solves, :mod:`fastsec.kernels.aauc.kkt`);
        - ``history`` float64 (B, options.iters + 1): the objective history in the first
          ``info[b, N_HIST]`` entries;
        - ``info`` int64 (B, INFO): the columns :data:`N_HIST` ... :data:`CHOSEN`;
        - ``rates`` float64 (B, 2) (``HYBRID`` only): the realised secrecy rates of the SCO
          and direct runs.

    """
    for b in range(drops[0].shape[0]):
        _one_drop(b, method, drops, consts, options, outs)


@jit(parallel=True)
def sca_drops_parallel(method, drops, consts, options, outs):
    """:func:`sca_drops` with the drops spread over Numba's threads."""
    for b in numba.prange(drops[0].shape[0]):
        _one_drop(b, method, drops, consts, options, outs)
