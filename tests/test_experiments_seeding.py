import numpy as np
import pytest

from fastsec.experiments import seeding


def test_drop_rng_is_the_spawn_tree_grandchild():
    # Reference: numpy's own spawn tree, root -> study (crc32 key) -> point -> drop.
    seed, study, point, drop = 1234, "aauc-fig3a", 2, 5
    root = np.random.SeedSequence(seed, spawn_key=(seeding.name_key(study),))
    child = root.spawn(point + 1)[point].spawn(drop + 1)[drop]
    expected = np.random.Generator(np.random.PCG64(child)).random(8)
    np.testing.assert_array_equal(seeding.drop_rng(seed, study, point, drop).random(8), expected)


def test_name_key_is_stable_crc32():
    # Stable across processes (hash() of a str is salted per process); reference: binascii.
    import binascii

    assert seeding.name_key("toy") == binascii.crc32(b"toy")


def test_streams_differ_across_points_drops_studies_and_methods():
    draws = {
        "base": seeding.drop_rng(0, "s", 0, 0).random(4),
        "point": seeding.drop_rng(0, "s", 1, 0).random(4),
        "drop": seeding.drop_rng(0, "s", 0, 1).random(4),
        "study": seeding.drop_rng(0, "t", 0, 0).random(4),
        "seed": seeding.drop_rng(1, "s", 0, 0).random(4),
        "method a": seeding.method_rng(0, "a").random(4),
        "method b": seeding.method_rng(0, "b").random(4),
        "other drop key": seeding.method_rng(1, "a").random(4),
    }
    values = list(draws.values())
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            assert not np.array_equal(values[i], values[j])


def test_method_rng_is_default_rng_of_key_and_method_crc():
    # Reference: numpy's default_rng of the entropy list [drop key, binascii.crc32(method)].
    import binascii

    expected = np.random.default_rng([7, binascii.crc32(b"sco")]).random(5)
    np.testing.assert_array_equal(seeding.method_rng(7, "sco").random(5), expected)


# Seeds and points with one and several 32-bit entropy words.
_SEEDS = (0, 7, 2**32 - 1, 2**32, 2**64 + 3, 2**95 + 2**33 + 1)
_POINTS = (0, 3, 2**32 + 5)


@pytest.mark.parametrize("seed", _SEEDS)
def test_drop_rngs_are_numpys_seed_sequence_per_drop_in_order(seed):
    # Reference: numpy's SeedSequence with the spawn key (crc32(study), point, drop), written
    # here from binascii, fed to PCG64.
    import binascii

    drops = [17, 0, 2**32 - 1, 1]
    for study in ("aauc-fig3c", "toy"):
        key = binascii.crc32(study.encode())
        for point in _POINTS:
            rngs = seeding.drop_rngs(seed, study, point, drops)
            for drop, rng in zip(drops, rngs, strict=True):
                ref = np.random.Generator(np.random.PCG64(
                    np.random.SeedSequence(seed, spawn_key=(key, point, drop))))
                np.testing.assert_array_equal(rng.integers(2**63, size=3),
                                              ref.integers(2**63, size=3))


def test_drop_rngs_refuses_drops_beyond_one_entropy_word():
    with pytest.raises(ValueError, match=r"drops must be in \[0, 2\*\*32\)"):
        seeding.drop_rngs(0, "s", 0, [0, 2**32])
    with pytest.raises(ValueError, match=r"drops must be in \[0, 2\*\*32\)"):
        seeding.drop_rngs(0, "s", 0, [-1])
    assert seeding.drop_rngs(0, "s", 0, []) == []
