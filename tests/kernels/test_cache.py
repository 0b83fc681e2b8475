"""Numba's on-disk cache keyed on every kernel source (fastsec.kernels._cache)."""

import subprocess
import sys
import textwrap
from pathlib import Path

from fastsec.kernels import _cache
from fastsec.kernels.optim import interior_point

from fastsec import units

HELPER = """\
import numba


@numba.njit(cache=True)
def value():
    return {}
"""
MAIN = """\
import numba

from .helper import value


@numba.njit(cache=True)
def call():
    return value()
"""
RUN = """\
import sys
from pathlib import Path

sys.path.insert(0, {root!r})
if {register}:
    from fastsec.kernels._cache import cache_by_source_tree

    cache_by_source_tree(Path({root!r}) / "tree")
from tree.main import call

print(call())
"""


def _tree(base: Path) -> Path:
    (base / "tree").mkdir(parents=True)
    (base / "tree" / "__init__.py").write_text("")
    (base / "tree" / "helper.py").write_text(HELPER.format(1))
    (base / "tree" / "main.py").write_text(MAIN)
    return base


def _call(base: Path, register: bool) -> str:
    script = RUN.format(root=str(base), register=register)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_a_changed_callee_in_another_file_is_recompiled(tmp_path):
    """``call`` (main.py) compiles ``value`` (helper.py) into its cached code. After helper.py
    changes, Numba alone reloads the stale code (the control tree); keyed on the tree, the
    cache is refreshed."""
    for register in (True, False):
        base = _tree(tmp_path / str(register))
        assert _call(base, register) == "1"
        assert _call(base, register) == "1"  # from the cache
        (base / "tree" / "helper.py").write_text(HELPER.format(2))
        assert _call(base, register) == ("2" if register else "1")


def test_digest_reads_contents_of_the_tree_and_the_extra_files(tmp_path):
    base = _tree(tmp_path)
    extra = tmp_path / "constants.py"
    extra.write_text("X = 1\n")
    first = _cache.source_digest(base / "tree", (extra,))
    (base / "tree" / "main.py").touch()  # a new time stamp alone changes nothing
    assert _cache.source_digest(base / "tree", (extra,)) == first
    extra.write_text("X = 2\n")
    assert _cache.source_digest(base / "tree", (extra,)) != first
    extra.write_text("X = 1\n")
    (base / "tree" / "sub").mkdir()
    (base / "tree" / "sub" / "more.py").write_text("")
    assert _cache.source_digest(base / "tree", (extra,)) != first


def test_the_kernels_are_keyed_on_all_kernel_sources_and_units():
    kernels = Path(interior_point.__file__).resolve().parents[1]
    locator = interior_point.cholesky_solve._cache._impl.locator
    assert type(locator).root == kernels
    own, tree = locator.get_source_stamp()
    assert tree == _cache.source_digest(kernels, (Path(units.__file__),))
    # registering the tree again adds no second locator
    before = list(_cache._IMPL._locator_classes)
    assert _cache.cache_by_source_tree(kernels) is type(locator)
    assert _cache._IMPL._locator_classes == before


def test_functions_outside_the_tree_keep_numbas_locator(tmp_path):
    script = textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(_tree(tmp_path))!r})
        from fastsec.kernels import _cache, _jit  # _jit registers the kernels' tree
        from tree.main import call
        print(_cache._IMPL._locator_classes[0].__name__, _jit.__name__)
        print(type(call._cache._impl.locator).__name__)
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    registered, used = done.stdout.splitlines()
    assert registered == "SourceTreeLocator fastsec.kernels._jit"
    assert used == "InTreeCacheLocator"
