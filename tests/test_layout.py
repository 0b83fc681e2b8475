"""The import graph of fastsec: no circle, and each layer imports only what it may.

Read from the source files (``ast``), including imports under ``if TYPE_CHECKING:``, so a
circle hidden from the interpreter is still one.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "kernels":
        parts = ["fastsec", *parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """Modules that ``name`` imports; ``from package import module`` counts as the module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in modules else base)
    # a module's own packages are initialised before it runs: not an edge
    return {m for m in out if m in modules and m != name and not name.startswith(m + ".")}


def _graph() -> dict[str, set[str]]:
    files = [*ROOT.glob("fastsec/**/*.py"), *ROOT.glob("kernels/**/*.py")]
    names = {_module_name(p): p for p in files}
    return {name: _imports(path, name, set(names)) for name, path in names.items()}


def test_graph_is_read():
    graph = _graph()
    assert "fastsec.kernels.oam.ao" in graph["fastsec.oam.optimize"]
    assert "fastsec.kernels.optim.rcg" in graph["fastsec.kernels.oam.objectives"]
    assert "fastsec.oam.scenario" in graph["fastsec.oam.geometry"]


def test_no_import_circle():
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


def test_layers():
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("fastsec.kernels.optim"):  # generic: knows neither paper
            bad = {d for d in deps if d.startswith(("fastsec.kernels.aauc", "fastsec.kernels.oam",
                                                    "fastsec.aauc", "fastsec.oam"))}
            assert not bad, f"{name} imports {bad}"
        if name.startswith("fastsec.kernels"):
            bad = {d for d in deps if d.startswith(("fastsec.aauc", "fastsec.oam",
                                                    "fastsec.experiments", "fastsec.reference"))}
            assert not bad, f"{name} imports {bad}"
        if not name.startswith("fastsec.reference"):  # references are for tests only
            bad = {d for d in deps if d.startswith("fastsec.reference")}
            assert not bad, f"{name} imports {bad}"
        if name.startswith(("fastsec.aauc", "fastsec.oam")):
            bad = {d for d in deps if d.startswith("fastsec.experiments")}
            assert not bad, f"{name} imports {bad}"


def test_kernels_take_at_most_twelve_parameters():
    # Longer lists go into named records (namedtuples) or tuples of like arrays.
    for path in ROOT.glob("kernels/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                count = len(node.args.args) + len(node.args.kwonlyargs)
                assert count <= 12, f"{path.name}:{node.name} takes {count} parameters"
