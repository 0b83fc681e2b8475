"""Numba kernels of fastsec (installed as ``fastsec.kernels``).

Plain arrays in, plain arrays out: no Python objects, no I/O, no validation, no global
state. The validating wrappers live in :mod:`fastsec.aauc` and :mod:`fastsec.oam`.
Split by role:

- :mod:`fastsec.kernels.optim`: generic optimisation machinery, knows neither paper;
- :mod:`fastsec.kernels.aauc`: the model kernels of paper 000 (AAUC);
- :mod:`fastsec.kernels.oam`: the model kernels of paper 002 (double-RIS OAM);
- :mod:`fastsec.kernels.trig`: branch-free sine and cosine shared by the model kernels;
- :mod:`fastsec.kernels._jit`: the Numba options every kernel is compiled with.
"""
