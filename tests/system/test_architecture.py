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


MAX_FUNCTION_LINES = 60


def _long_functions(root: Path) -> list[str]:
    """Functions longer than MAX_FUNCTION_LINES, counted from the `def` line to
    the function's last line (decorators excluded)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name} "
                                 f"({lines} lines)")
    return found


def test_the_length_count_starts_at_the_def_line(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        f"@decorated\n@twice\ndef fits():\n{body}\n\n\ndef too_long():\n{body}\n    x = 0\n",
        encoding="utf-8")
    assert _long_functions(tmp_path / "pkg") == [f"pkg/m.py:{MAX_FUNCTION_LINES + 5} too_long "
                                                 f"({MAX_FUNCTION_LINES + 1} lines)"]


def test_no_function_is_longer_than_60_lines():
    long = _long_functions(PACKAGE)
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"
