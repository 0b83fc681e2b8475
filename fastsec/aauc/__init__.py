"""Angle-aware user cooperation (AAUC) for secure massive MIMO in Rician fading (paper 000)."""

from fastsec.aauc.angular import angular_matrix
from fastsec.aauc.batch import AAUCBatchResult, solve_batch
from fastsec.aauc.channels import DropBatch, draw, draw_at, draw_batch
from fastsec.aauc.scenario import PLACEMENTS, Drop, Scenario
from fastsec.aauc.secrecy import (
    AverageSecrecyRate,
    LambdaFit,
    RealisedSecrecy,
    average_secrecy_rate,
    fit_lambda,
    instantaneous_secrecy_rate,
    model_secrecy_rate,
    realised_secrecy_rate,
)
from fastsec.aauc.solve import AAUCResult, solve

__all__ = ["PLACEMENTS", "AAUCBatchResult", "AAUCResult", "AverageSecrecyRate", "Drop",
           "DropBatch", "LambdaFit",
           "RealisedSecrecy", "Scenario",
           "angular_matrix", "average_secrecy_rate", "draw", "draw_at", "draw_batch",
           "fit_lambda", "instantaneous_secrecy_rate", "model_secrecy_rate",
           "realised_secrecy_rate", "solve", "solve_batch"]
