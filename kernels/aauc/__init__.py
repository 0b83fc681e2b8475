"""Model kernels of paper 000 (AAUC massive MIMO).

- :mod:`~fastsec.kernels.aauc.channels`: Rician ULA channel draws, eq. (1)-(2), (9).
- :mod:`~fastsec.kernels.aauc.quadrature`: the angular matrix J, eq. (12), (16).
- :mod:`~fastsec.kernels.aauc.secrecy`: the numerical average secrecy rate, eq. (10).
"""
