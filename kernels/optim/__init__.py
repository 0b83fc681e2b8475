"""Generic optimisation kernels; they know neither paper.

- :mod:`~fastsec.kernels.optim.rcg`: the complex-circle and complex oblique manifolds
  (unit-modulus vectors, matrices with unit-norm rows) and Riemannian conjugate gradient on
  them (Polak–Ribière+, projection transport, normalisation retraction, Armijo backtracking).
- :mod:`~fastsec.kernels.optim.burer_monteiro`: smooth convex programs over
  ``{X ⪰ 0, diag X = 1}`` by low-rank factorisation with a dual certificate.
- :mod:`~fastsec.kernels.optim.mirror_prox`: the ball-simplex saddle problem (pieces linear in
  x plus one concave quadratic), by KL/Euclidean mirror-prox and by an exact active-set method.
- :mod:`~fastsec.kernels.optim.interior_point`: the primal-dual interior-point method for
  small smooth convex problems, driven by one problem oracle.
- :mod:`~fastsec.kernels.optim.ball_log`: that method on the dual of "maximise log t minus a
  diagonal quadratic over a ball with linear rows" (m + 1 unknowns for m rows).
- :mod:`~fastsec.kernels.optim.nnls`: non-negative least squares (Lawson–Hanson).
- :mod:`~fastsec.kernels.optim.kkt`: the scale-free KKT residual of a max–min problem with a
  smooth penalty and constraints (multipliers by that NNLS).
- :mod:`~fastsec.kernels.optim.ascent`: the monotone-ascent rule of successive convex
  approximation, shared by the Python driver and the compiled loops.
"""
