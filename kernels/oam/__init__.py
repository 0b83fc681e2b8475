"""Model kernels of paper 002 (double-RIS OAM).

- :mod:`~fastsec.kernels.oam.nearfield`: near-field spherical-wave channels, eq. (9).
- :mod:`~fastsec.kernels.oam.sinr`: per-mode SINRs at Bob and Eve, eq. (11), (14), (17).
- :mod:`~fastsec.kernels.oam.effective`: effective quantities of one AO point (Sec. IV).
- :mod:`~fastsec.kernels.oam.objectives`: θ1/θ2 objectives and gradients, eq. (40)-(57).
- :mod:`~fastsec.kernels.oam.steps`: the p-step P4 (eq. (24)-(31)) and the a-step P5
  (eq. (32)-(39)).
- :mod:`~fastsec.kernels.oam.ao`: Algorithm 1 (RMCG-AO) as one kernel.
- :mod:`~fastsec.kernels.oam.sdr`: the SDR θ-step's relaxed program (Fig. 2's SDR-AO).
"""
