"""Angle-aware user cooperation (AAUC) for secure massive MIMO in Rician fading (paper 000)."""

from fastsec.aauc.scenario import PLACEMENTS, Drop, Scenario
from fastsec.aauc.solve import AAUCResult, solve

__all__ = ["PLACEMENTS", "AAUCResult", "Drop", "Scenario", "solve"]
