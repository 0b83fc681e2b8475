"""Drops for the AAUC solver tests: the system model's ``draw`` and ``angular_matrix``."""

from fastsec.aauc import Scenario, angular_matrix, draw


def make_drop(rng, **scenario):
    """One drop of ``Scenario(**scenario)`` and its angular diagonal J, shape (K-1,)."""
    drop = draw(Scenario(**scenario), rng)
    return drop, angular_matrix(drop)
