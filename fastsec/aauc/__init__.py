"""Angle-aware user cooperation (AAUC) for secure massive MIMO in Rician fading (paper 000)."""

from fastsec.aauc.angular import angular_matrix
from fastsec.aauc.channels import DropBatch, draw, draw_at, draw_batch
from fastsec.aauc.scenario import PLACEMENTS, Drop, Scenario

__all__ = ["PLACEMENTS", "Drop", "DropBatch", "Scenario", "angular_matrix", "draw", "draw_at",
           "draw_batch"]
