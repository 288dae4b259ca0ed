"""The layout ARCHITECTURE.md describes: every module in a layer package, and no
import cycle between modules (the layers contract in pyproject.toml checks the
direction between packages; tests/system/test_import_hygiene.py runs it)."""

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parents[2] / "assistant"
TOP_LEVEL_MODULES = {"__init__.py", "__main__.py", "errors.py", "progress.py", "results.py"}


def test_no_module_lies_outside_a_package():
    loose = {p.name for p in PACKAGE.glob("*.py")} - TOP_LEVEL_MODULES
    assert not loose, f"modules outside a layer package: {sorted(loose)}"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph("assistant")
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    # A package's __init__ re-exporting its modules is not a cycle of the design.
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in edges.items()}
    assert _cycles(edges) == []


def test_no_cycle_between_packages():
    graph = grimp.build_graph("assistant")
    packages: dict[str, set[str]] = {}
    for m in graph.modules:
        here = _package_of(m, graph)
        for d in graph.find_modules_directly_imported_by(m):
            there = _package_of(d, graph)
            if there != here and not here.startswith(there + "."):
                packages.setdefault(here, set()).add(there)
    assert _cycles(packages) == []


def _package_of(module: str, graph) -> str:
    path = PACKAGE.parent / (module.replace(".", "/"))
    return module if path.is_dir() else module.rsplit(".", 1)[0]


def test_every_package_says_what_it_is_for():
    missing = [str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("__init__.py")
               if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert not missing, f"packages without a docstring: {missing}"
