"""The damage matrix (issue 11): zeroed pages of each table, deleted keyword
rows, every manifest key set to garbage, the vector file truncated or replaced
by a FIFO or a folder. Each gives exit 4 naming the file, `info --check`
reports it, and `index --rebuild` brings back every article."""

import json
import os
import sqlite3
from pathlib import Path

import pytest

from helpers.common import run_cli, write

ARTICLES = 12


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    base = tmp_path_factory.mktemp("damage")
    docs = base / "docs"
    for i in range(ARTICLES):
        write(docs / f"a{i:02d}.txt", f"Berita nomor {i} tentang kota{i} dan pesta{i} di alun-alun.\n\n"
                                      f"Paragraf kedua berita {i} menyebut sungai{i} yang meluap.\n")
    ix = base / "ix"
    r = run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q")
    assert r.returncode == 0, r.stderr
    assert not (ix / "index.sqlite3-wal").exists() or (ix / "index.sqlite3-wal").stat().st_size == 0
    return docs, ix


def _sql(ix: Path, statement: str, *args) -> None:
    conn = sqlite3.connect(ix / "index.sqlite3")
    conn.execute(statement, args)
    conn.commit()
    conn.close()


def _zero_root_page(table: str):
    def damage(ix: Path) -> None:
        conn = sqlite3.connect(ix / "index.sqlite3")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        conn.close()
        with open(ix / "index.sqlite3", "r+b") as f:
            f.seek((root - 1) * page_size)
            f.write(b"\x00" * page_size)
    return damage


def _manifest(key: str, value: str | None):
    def damage(ix: Path) -> None:
        if value is None:
            _sql(ix, "DELETE FROM manifest WHERE key = ?", key)
        else:
            _sql(ix, "UPDATE manifest SET value = ? WHERE key = ?", value, key)
    return damage


def _vectors(kind: str):
    def damage(ix: Path) -> None:
        path = ix / "vectors.1.faiss"
        if kind == "truncated":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
            return
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir()
    return damage


def _without_id_map(ix: Path) -> None:
    import faiss

    faiss.write_index(faiss.IndexFlatIP(64), str(ix / "vectors.1.faiss"))


DB, VEC = "index.sqlite3", "vectors.1.faiss"
# name -> (damage, file named, command that meets it, rebuild needs the PATH)
CASES = {
    "articles page": (_zero_root_page("articles"), DB, "ask", False),
    "passages page": (_zero_root_page("passages"), DB, "ask", False),
    "sources page": (_zero_root_page("sources"), DB, "index", False),
    "manifest page": (_zero_root_page("manifest"), DB, "ask", True),
    "fts data page": (_zero_root_page("passages_fts_data"), DB, "ask", False),
    "fts rows deleted": (lambda ix: _sql(ix, "DELETE FROM passages_fts_data WHERE id > 10"), DB,
                         "ask", False),
    "generation": (_manifest("generation", "x"), DB, "ask", False),
    "model_id missing": (_manifest("model_id", None), DB, "ask", False),
    "dim": (_manifest("dim", "-3"), DB, "ask", False),
    "schema_version": (_manifest("schema_version", "zwei"), DB, "ask", False),
    "vectors_file": (_manifest("vectors_file", "/etc/passwd"), DB, "ask", False),
    "next_passage_id": (_manifest("next_passage_id", "[]"), DB, "ask", False),
    "roots": (_manifest("roots", "{not json"), DB, "ask", True),
    "index_type": (_manifest("index_type", "bogus"), DB, "ask", False),
    "index_kind": (_manifest("index_kind", "bogus"), DB, "ask", False),
    "trained_on": (_manifest("trained_on", "many"), DB, "ask", False),
    "background": (_manifest("background", "[1, 2"), DB, "ask", False),
    "vectors truncated": (_vectors("truncated"), VEC, "ask", False),
    "vectors fifo": (_vectors("fifo"), VEC, "ask", False),
    "vectors folder": (_vectors("folder"), VEC, "ask", False),
    "vectors without ids": (_without_id_map, VEC, "ask", False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_damage_is_named_checked_and_rebuilt(pristine, tmp_path, case):
    import shutil

    damage, named, command, needs_path = CASES[case]
    docs, clean = pristine
    ix = tmp_path / "ix"
    shutil.copytree(clean, ix)
    damage(ix)
    args = ["ask", "kota3 pesta3"] if command == "ask" else ["index"]
    r = run_cli(*args, "--index-dir", ix, timeout=120)
    assert r.returncode == 4, (r.returncode, r.stderr)
    assert str(ix / named) in r.stderr and "Traceback" not in r.stderr
    r = run_cli("info", "--check", "--index-dir", ix, timeout=120)
    assert r.returncode == 4, (r.returncode, r.stderr)
    assert str(ix) in r.stderr
    rebuild = ["index", "--rebuild", "--model", "hash", "--index-dir", ix, "--json"]
    r = run_cli(*rebuild, *([docs] if needs_path else []), timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["articles"] == ARTICLES
    r = run_cli("info", "--check", "--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["problems"] == []
    r = run_cli("ask", "kota3 pesta3", "--index-dir", ix, "--json")
    assert r.returncode == 0 and "kota3" in r.stdout
