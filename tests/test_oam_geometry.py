import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.spatial.transform import Rotation

from fastsec.oam import Scenario, geometry
from fastsec.oam.geometry import (
    attitude,
    eve_center,
    ris_positions,
    rotation_x,
    rotation_y,
    uca_positions,
)

# Geometry is a few multiplications: agreement to a few ulps of the coordinates (~40 m).
RTOL = 1e-12
ATOL = 1e-12


@pytest.mark.parametrize("angle", [0.0, 0.3, -math.pi / 10, 2.0])
def test_rotations_match_scipy(angle):
    assert_allclose(rotation_x(angle), Rotation.from_euler("x", angle).as_matrix(), atol=ATOL)
    assert_allclose(rotation_y(angle), Rotation.from_euler("y", angle).as_matrix(), atol=ATOL)


def test_attitude_is_ry_after_rx_and_orthonormal(rng):
    for x, y in rng.uniform(-math.pi, math.pi, size=(5, 2)):
        r = attitude(x, y)
        # extrinsic x then y: R = R_y R_x (eq. (3))
        assert_allclose(r, Rotation.from_euler("xy", [x, y]).as_matrix(), atol=ATOL)
        assert_allclose(r @ r.T, np.eye(3), atol=ATOL)
        assert_allclose(np.linalg.det(r), 1.0, rtol=RTOL)


def test_uca_positions_lie_on_the_rotated_circle(rng):
    center = rng.normal(size=3)
    rot = attitude(0.4, -0.7)
    n, radius, alpha = 8, 0.13, 0.25
    pts = uca_positions(center, radius, n, alpha, rot)
    rel = pts - center
    assert_allclose(np.linalg.norm(rel, axis=1), radius, rtol=RTOL)
    assert_allclose(rel @ rot[:, 2], 0.0, atol=ATOL)          # in the plane normal to R e_z
    adjacent = np.linalg.norm(np.diff(np.vstack([pts, pts[:1]]), axis=0), axis=1)
    assert_allclose(adjacent, 2 * radius * math.sin(math.pi / n), rtol=RTOL)
    # first element at azimuth alpha in the local frame
    assert_allclose(rel[0], rot @ [radius * math.cos(alpha), radius * math.sin(alpha), 0.0],
                    atol=ATOL)


def test_ris_positions_form_the_rotated_grid(rng):
    center = rng.normal(size=3)
    rot = attitude(0.2, math.pi / 10)
    shape, d_y, d_z = (3, 5), 0.05, 0.07
    pts = ris_positions(center, shape, d_y, d_z, rot)
    assert pts.shape == (15, 3)
    assert_allclose(pts.mean(axis=0), center, atol=ATOL)
    assert_allclose((pts - center) @ rot[:, 0], 0.0, atol=ATOL)  # plane normal to R e_x
    grid = pts.reshape(3, 5, 3)                                  # q_y-major
    step_y = np.diff(grid, axis=0).reshape(-1, 3)
    step_z = np.diff(grid, axis=1).reshape(-1, 3)
    assert_allclose(step_y, np.broadcast_to(d_y * rot[:, 1], step_y.shape), atol=ATOL)
    assert_allclose(step_z, np.broadcast_to(d_z * rot[:, 2], step_z.shape), atol=ATOL)


def test_eve_center_spherical_coordinates():
    d, theta, phi = 20.0, 0.3, -math.pi / 20
    u = eve_center(d, theta, phi)
    assert_allclose(np.linalg.norm(u), d, rtol=RTOL)
    assert_allclose(u[2], d * math.cos(phi), rtol=RTOL)                  # polar angle from z
    # sin(φ) < 0 puts the projection at azimuth θ + π
    assert_allclose(math.atan2(u[1], u[0]), theta + math.pi - 2 * math.pi, rtol=RTOL)


def test_geometry_of_the_default_scenario():
    s = Scenario()
    g = geometry(s)
    assert g.alice.shape == (s.N, 3) and g.bob.shape == (s.N, 3) and g.eve.shape == (s.N_E, 3)
    assert g.ris1.shape == (s.Q1, 3) and g.ris2.shape == (s.Q2, 3)
    assert_allclose(g.alice.mean(axis=0), 0.0, atol=ATOL)
    assert_allclose(g.bob.mean(axis=0), s.u_b_m, atol=ATOL)
    assert_allclose(g.ris1.mean(axis=0), s.u_r1_m, atol=ATOL)
    assert_allclose(g.ris2.mean(axis=0), s.u_r2_m, atol=ATOL)
    assert_allclose(np.linalg.norm(g.eve.mean(axis=0)), s.eve_distance_m, rtol=RTOL)
    assert_allclose(g.attitudes["ris1"], attitude(0.0, math.pi / 10), atol=ATOL)


def test_geometry_plot_draws_every_array():
    figure = pytest.importorskip("matplotlib.figure")
    ax = figure.Figure().add_subplot(projection="3d")
    g = geometry(Scenario(Q1=4, Q2=4))
    assert g.plot(ax) is ax
    assert len(ax.collections) == 5
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["alice", "bob", "eve", "ris1", "ris2"]
