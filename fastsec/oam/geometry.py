"""Scene geometry of the double-RIS OAM system (paper 002, Sec. II, eq. (1)-(6)).

Coordinates are Cartesian, in metres [m], with Alice's UCA centre at the origin. Every array is
described in its own local frame and placed with an attitude matrix ``R = R_y(ϑ_y) R_x(ϑ_x)``
(eq. (3), (6)); the paper cites the attitude matrices without writing them, fastsec uses the
right-handed active rotations

``R_x(ϑ) = [[1, 0, 0], [0, cos ϑ, -sin ϑ], [0, sin ϑ, cos ϑ]]``,
``R_y(ϑ) = [[cos ϑ, 0, sin ϑ], [0, 1, 0], [-sin ϑ, 0, cos ϑ]]``.

A UCA of radius r lies in the local x-y plane (element n at azimuth
``φ_n = 2π(n-1)/N + α``, eq. (1), (2), (4)); a rectangular RIS lies in the local y-z plane
(element (q_y, q_z) at ``[0, d_y (q_y - (1+Q_y)/2), d_z (q_z - (1+Q_z)/2)]``, eq. (5)). RIS
elements are numbered q_y-major: ``q = (q_y - 1) Q_z + q_z`` (1-based), i.e. the row-major order
of a ``(Q_y, Q_z)`` grid. :func:`geometry` returns every element position of a scenario as a
:class:`Geometry`, which also draws the scene in 3-D.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastsec.oam.scenario import Scenario
from fastsec.oam.signalling import uca_azimuths


def rotation_x(angle_rad: float) -> np.ndarray:
    """Attitude matrix R_x(ϑ) of a rotation by ``angle_rad`` [rad] about the x-axis, (3, 3)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rotation_y(angle_rad: float) -> np.ndarray:
    """Attitude matrix R_y(ϑ) of a rotation by ``angle_rad`` [rad] about the y-axis, (3, 3)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def attitude(x_rad: float, y_rad: float) -> np.ndarray:
    """Attitude matrix ``R = R_y(ϑ_y) R_x(ϑ_x)`` (paper 002, eq. (3), (6)), shape (3, 3)."""
    return rotation_y(y_rad) @ rotation_x(x_rad)


def uca_positions(center_m: np.ndarray, radius_m: float, n: int, alpha_rad: float,
                  rotation: np.ndarray) -> np.ndarray:
    """Element positions of a UCA, ``u_c + R [r cos φ_n, r sin φ_n, 0]^T`` (eq. (1), (2), (4)).

    Parameters
    ----------
    center_m : ndarray, shape (3,), float64
        Array centre u_c [m].
    radius_m : float
        UCA radius r [m].
    n : int
        Number of elements N.
    alpha_rad : float
        Initial azimuth α of the first element [rad].
    rotation : ndarray, shape (3, 3), float64
        Attitude matrix R.

    Returns
    -------
    ndarray, shape (N, 3), float64
        Row n is the position of element n+1 [m].

    """
    phi = uca_azimuths(n, alpha_rad)
    local = np.stack([radius_m * np.cos(phi), radius_m * np.sin(phi), np.zeros(n)], axis=1)
    return np.asarray(center_m, dtype=float) + local @ rotation.T


def ris_positions(center_m: np.ndarray, shape: tuple[int, int], d_y_m: float, d_z_m: float,
                  rotation: np.ndarray) -> np.ndarray:
    """Element positions of a rectangular Q_y x Q_z RIS (paper 002, eq. (5)).

    Parameters
    ----------
    center_m : ndarray, shape (3,), float64
        RIS centre u_R [m].
    shape : tuple of int
        ``(Q_y, Q_z)``: elements along the local y- and z-axes.
    d_y_m, d_z_m : float
        Element spacings d_y, d_z [m].
    rotation : ndarray, shape (3, 3), float64
        Attitude matrix R_R.

    Returns
    -------
    ndarray, shape (Q_y * Q_z, 3), float64
        Element positions [m], q_y-major (row-major over the ``(Q_y, Q_z)`` grid).

    """
    q_y, q_z = shape
    y = d_y_m * (np.arange(1, q_y + 1) - (1 + q_y) / 2.0)
    z = d_z_m * (np.arange(1, q_z + 1) - (1 + q_z) / 2.0)
    yy, zz = np.meshgrid(y, z, indexing="ij")
    local = np.stack([np.zeros(yy.size), yy.ravel(), zz.ravel()], axis=1)
    return np.asarray(center_m, dtype=float) + local @ rotation.T


def eve_center(distance_m: float, azimuth_rad: float, polar_rad: float) -> np.ndarray:
    """Eve's UCA centre ``D [sin φ cos θ, sin φ sin θ, cos φ]^T`` [m] (paper 002, Sec. II).

    ``polar_rad`` is φ, the angle from the z-axis; ``azimuth_rad`` is θ, the angle of the
    projection on the x-y plane from the x-axis.
    """
    return distance_m * np.array([np.sin(polar_rad) * np.cos(azimuth_rad),
                                  np.sin(polar_rad) * np.sin(azimuth_rad),
                                  np.cos(polar_rad)])


@dataclass(frozen=True, eq=False)
class Geometry:
    """Element positions and attitudes of one scene (paper 002, eq. (1)-(6)).

    Attributes
    ----------
    alice, bob : ndarray, shape (N, 3), float64
        UCA element positions u_{A,n}, u_{B,m} [m].
    eve : ndarray, shape (N_E, 3), float64
        Eve's UCA element positions u_{E,v} [m].
    ris1 : ndarray, shape (Q1, 3), float64
        RIS1 element positions u_{R1,q1} [m] (q_y-major).
    ris2 : ndarray, shape (Q2, 3), float64
        RIS2 element positions u_{R2,q2} [m] (q_y-major).
    centers : dict of str to ndarray, shape (3,)
        Array centres [m], keys ``"alice"``, ``"bob"``, ``"eve"``, ``"ris1"``, ``"ris2"``.
    attitudes : dict of str to ndarray, shape (3, 3)
        Attitude matrices R, same keys.

    """

    alice: np.ndarray
    bob: np.ndarray
    eve: np.ndarray
    ris1: np.ndarray
    ris2: np.ndarray
    centers: dict
    attitudes: dict

    def plot(self, ax=None):
        """Draw every element as a 3-D scatter, one colour per array; returns the axes.

        Parameters
        ----------
        ax : matplotlib Axes3D, optional
            Axes to draw on; a new figure with 3-D axes is made if omitted.

        Returns
        -------
        matplotlib Axes3D
            The axes drawn on (x, y, z in metres).

        """
        if ax is None:
            import matplotlib.pyplot as plt

            ax = plt.figure().add_subplot(projection="3d")
        for name in ("alice", "bob", "eve", "ris1", "ris2"):
            pts = getattr(self, name)
            ax.scatter(pts[:, 0], pts[:, 1], pts[:, 2], s=6, label=name)
        ax.set_xlabel("x [m]")
        ax.set_ylabel("y [m]")
        ax.set_zlabel("z [m]")
        ax.legend()
        return ax


def geometry(scenario: Scenario) -> Geometry:
    """Every element position of ``scenario`` (paper 002, eq. (1)-(6)).

    Parameters
    ----------
    scenario : Scenario
        The scene.

    Returns
    -------
    Geometry
        Positions [m] and attitude matrices of Alice, Bob, Eve, RIS1 and RIS2.

    """
    s = scenario
    attitudes = {
        "alice": attitude(s.tilt_a_x_rad, s.tilt_a_y_rad),
        "bob": attitude(s.tilt_b_x_rad, s.tilt_b_y_rad),
        "eve": attitude(s.tilt_e_x_rad, s.tilt_e_y_rad),
        "ris1": attitude(s.tilt_r1_x_rad, s.tilt_r1_y_rad),
        "ris2": attitude(s.tilt_r2_x_rad, s.tilt_r2_y_rad),
    }
    centers = {
        "alice": np.zeros(3),
        "bob": np.asarray(s.u_b_m, dtype=float),
        "eve": eve_center(s.eve_distance_m, s.eve_azimuth_rad, s.eve_polar_rad),
        "ris1": np.asarray(s.u_r1_m, dtype=float),
        "ris2": np.asarray(s.u_r2_m, dtype=float),
    }
    return Geometry(
        alice=uca_positions(centers["alice"], s.r_a_m, s.N, s.alpha_a_rad, attitudes["alice"]),
        bob=uca_positions(centers["bob"], s.r_b_m, s.N, s.alpha_b_rad, attitudes["bob"]),
        eve=uca_positions(centers["eve"], s.r_e_m, s.N_E, s.alpha_e_rad, attitudes["eve"]),
        ris1=ris_positions(centers["ris1"], s.ris1_dims, s.d_y_m, s.d_z_m, attitudes["ris1"]),
        ris2=ris_positions(centers["ris2"], s.ris2_dims, s.d_y_m, s.d_z_m, attitudes["ris2"]),
        centers=centers,
        attitudes=attitudes,
    )
