"""Independent implementations that tests and benchmarks compare fastsec against.

Nothing in fastsec's solvers imports this package. Each module follows the papers'
formulas literally (NumPy/scipy twins of the kernels, cvxpy problems rebuilt as a user writes
them, pymanopt pipelines), so that a test compares two codes that share no arithmetic and a
benchmark puts each fastsec path beside what a researcher writes today.

- :mod:`~fastsec.reference.aauc`: paper 000 (quadrature by scipy, NumPy channel draws,
  Monte-Carlo eavesdropper channels, NumPy mirror-prox, SCO as a CVX user writes it).
- :mod:`~fastsec.reference.oam`: paper 002's channels and SINRs from the full matrices.
- :mod:`~fastsec.reference.oam_steps`: NumPy twins of the RMCG-AO step kernels and the
  pymanopt complex-circle conjugate gradient.
- :mod:`~fastsec.reference.oam_optimize`: Algorithm 1 by pymanopt + cvxpy, the θ objectives
  in NumPy and the SDR relaxation by cvxpy.
- :mod:`~fastsec.reference.kkt`: the max–min KKT residual with :func:`scipy.optimize.nnls`
  (knows no paper); :mod:`~fastsec.reference.aauc_kkt`: paper 000's P2 / direct / Q2
  residuals built from a ``P2Data`` in NumPy (twins of ``fastsec.kernels.optim.kkt`` and
  ``fastsec.kernels.aauc.kkt``).
- :mod:`~fastsec.reference.instances`: seeded random problem instances for the comparisons
  (here rather than in ``tests/`` because the asv suites import the installed package only).

pymanopt is needed only by the pymanopt pipelines (optional extra ``fastsec[reference]``,
imported lazily).
"""
