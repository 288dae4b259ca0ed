"""The linter and the type checker pass (configured in pyproject.toml)."""

import os
import subprocess
import sys

import pytest

from helpers.common import REPO


def _tool(name: str) -> str:
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return path


def test_ruff_finds_nothing():
    r = subprocess.run([_tool("ruff"), "check", "assistant", "tests", "benchmarks"],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_finds_nothing():
    r = subprocess.run([_tool("mypy")], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr

