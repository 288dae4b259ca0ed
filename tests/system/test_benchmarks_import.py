"""Every benchmark is a module of the `benchmarks` package that imports from the
repository root without side effects, and none edits sys.path (issue 26): they
run as `python -m benchmarks.speed.cold`, never as loose scripts."""

import ast
import importlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest


def _repo() -> Path:
    here = Path(__file__).resolve()
    return next(p for p in here.parents if (p / "pyproject.toml").exists())


REPO = _repo()
BENCH = REPO / "benchmarks"
FILES = sorted(BENCH.rglob("*.py"))


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """The root packages a module imports at its top (what importing it needs)."""
    roots = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_benchmarks_are_found():
    names = {_module(p) for p in FILES}
    for expected in ("benchmarks", "benchmarks.common", "benchmarks.speed.cold",
                     "benchmarks.speed.performance", "benchmarks.quality.run_eval",
                     "benchmarks.tuning.fusion", "benchmarks.experiments.ceiling"):
        assert expected in names
    for package in ("speed", "quality", "tuning", "experiments"):
        init = BENCH / package / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), init


@pytest.mark.parametrize("path", FILES, ids=lambda p: _module(p))
def test_no_file_edits_sys_path(path):
    assert "sys.path" not in path.read_text(encoding="utf-8"), (
        f"{path.relative_to(REPO)} edits sys.path: import through the package "
        "(from benchmarks.common import ...) and run it as python -m benchmarks.PKG.MOD")


@pytest.mark.parametrize("path", FILES, ids=lambda p: _module(p))
def test_imports_without_side_effects(path, capfd, monkeypatch):
    missing = sorted(r for r in _top_level_imports(path) if importlib.util.find_spec(r) is None)
    if missing:
        pytest.skip(f"optional peers not installed: {', '.join(missing)}")
    monkeypatch.chdir(REPO)
    environ, syspath = dict(os.environ), list(sys.path)
    before = set(REPO.iterdir())
    module = importlib.import_module(_module(path))
    out, err = capfd.readouterr()
    assert (out, err) == ("", ""), "importing it printed"
    assert dict(os.environ) == environ, "importing it changed os.environ"
    assert sys.path == syspath, "importing it changed sys.path"
    assert set(REPO.iterdir()) == before, "importing it wrote into the checkout"
    if path.name != "__init__.py" and path.name != "common.py":
        assert callable(getattr(module, "main", None)), "a benchmark has a main()"
