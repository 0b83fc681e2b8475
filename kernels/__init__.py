"""Numba kernels of fastsec (installed as ``fastsec.kernels``).

Plain arrays in, plain arrays out: no Python objects, no I/O, no validation, no global
state. The validating wrappers live in :mod:`fastsec.aauc` and :mod:`fastsec.oam`.
"""
