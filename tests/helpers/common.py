"""Shared by the tests: the sample article, writing files, the real entry point
in a subprocess, small indexes built through it."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


SAMPLE_DIR = REPO / "sample_articles"


SAMPLE_ARTICLE = SAMPLE_DIR / "kompastv-2024-11-14-china-korea-utara.txt"


TROOPS = "12.000 tentara Korea Utara telah dikirimkan ke Kursk"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args, stdin=None, cwd=None, env=None, timeout=300):
    """Run the real entry point in a subprocess. No config file is read unless
    ``env`` names one (a developer's ./assistant.toml must not change results)."""
    full_env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1",
                "ASSISTANT_CONFIG": "none", **(env or {})}
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], input=stdin,
                          capture_output=True, text=True, cwd=cwd, env=full_env, timeout=timeout)


def sample_hash_index(root: Path) -> Path:
    """An index of the sample article alone, built by the real CLI with the hash model."""
    return hash_index(root, {SAMPLE_ARTICLE.name: SAMPLE_ARTICLE.read_text(encoding="utf-8")})


def hash_index(root: Path, files: dict[str, str]) -> Path:
    """``root``/ix: an index of ``files`` (name -> text, written to ``root``/docs),
    built by the real CLI with the hash model."""
    for name, text in files.items():
        write(root / "docs" / name, text)
    r = run_cli("index", root / "docs", "--index-dir", root / "ix", "--model", "hash", "-q")
    assert r.returncode == 0, r.stderr
    return root / "ix"


def as_older_schema(index_dir: Path, version: int, *dropped_columns: str) -> None:
    """Make a new index look like one written at schema ``version``: take out
    the passage columns that version did not have."""
    conn = sqlite3.connect(Path(index_dir) / "index.sqlite3")
    for column in dropped_columns:
        conn.execute(f"ALTER TABLE passages DROP COLUMN {column}")
    conn.execute("UPDATE manifest SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.commit()
    conn.close()


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def new_database(server) -> str:
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.get_uri(name)
