"""Model kernels of paper 000 (AAUC massive MIMO).

- :mod:`~fastsec.kernels.aauc.channels`: Rician ULA channel draws, eq. (1)-(2), (9).
- :mod:`~fastsec.kernels.aauc.quadrature`: the angular matrix J, eq. (12), (16).
- :mod:`~fastsec.kernels.aauc.secrecy`: the numerical average secrecy rate, eq. (10).
- :mod:`~fastsec.kernels.aauc.null_space`: the Householder basis of the null space of g_K
  and the helpers' rows in it (eq. (18)).
- :mod:`~fastsec.kernels.aauc.closed_form`: the closed forms (Prop. 2-3, eq. (43)) and every
  output of ``solve`` for a batch of drops.
- :mod:`~fastsec.kernels.aauc.kkt`: the KKT residuals of P2, direct transmission and Q2.
- :mod:`~fastsec.kernels.aauc.sco`: the SCO surrogate P2[n+1], eq. (21)-(23), and the whole
  SCA loop of one drop (also direct transmission's max–min steps).
"""
