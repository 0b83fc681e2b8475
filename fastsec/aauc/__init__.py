"""Angle-aware user cooperation (AAUC) for secure massive MIMO in Rician fading (paper 000)."""

from fastsec.aauc.scenario import PLACEMENTS, Drop, Scenario

__all__ = ["PLACEMENTS", "Drop", "Scenario"]
