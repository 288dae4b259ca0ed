"""Folders of random hostile files (issue 11): random bytes, names with invalid
UTF-8 and control characters, nested and malformed HTML, Markdown and JSON,
links of every kind, FIFOs. Each run exits 0, lists every skip with a reason,
finishes within a budget linear in the input, and never loses an article
indexed earlier. A seeded generator, so a failure replays exactly."""

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.common import write

SUFFIXES = [b".txt", b".md", b".html", b".htm", b".jsonl", b".markdown", b".bin", b""]
NAME_BYTES = (b"abcxyz019 -_#.%[]()'\"" + bytes(range(1, 32)) + b"\x7f\x80\x9b\xc3\xff\xfe"
              + "é漢".encode())
WORDS = ["gempa", "banjir", "kota", "rumah", "warga", "pasar", "harga", "the", "and", "news"]


def _name(rng: random.Random) -> bytes:
    stem = bytes(rng.choice(NAME_BYTES) for _ in range(rng.randint(1, 24))).replace(b"/", b"_")
    stem = stem.lstrip(b".") or b"f"
    return stem + rng.choice(SUFFIXES)


def _prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def _html(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return "<div>" * rng.randint(100, 5000) + _prose(rng, 20)
    if kind == 1:
        return '<a b="' * rng.randint(100, 20000)
    if kind == 2:
        return "<![ x" + "<!--" * rng.randint(1, 500) + "<p>" + _prose(rng, 30)
    if kind == 3:
        tags = ["<p>", "</p>", "<script>", "</script>", "<nav>", "<article>", "</div>", "<br>",
                "<meta property='og:title' content='\x1b[2J'>", "&#x1b;", "&amp", "<![CDATA["]
        return "".join(rng.choice(tags) + _prose(rng, rng.randint(0, 8)) for _ in range(300))
    if kind == 4:
        return "<html><body>" + "".join(f"<p>{_prose(rng, 12)}</p>" for _ in range(5)) + "</body></html>"
    return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 3000)))


def _markdown(rng: random.Random) -> str:
    marks = ["*", "**", "_", "`", "[", "](", ")", "![", "#", "> ", "- ", "\n", "\n\n", "---\n",
             "<div>", "=\n", "```\n"]
    return "".join(rng.choice(marks) + rng.choice(WORDS + ["a", ""]) + " "
                   for _ in range(rng.randint(10, 20000)))


def _jsonl(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 30)):
        kind = rng.randrange(7)
        if kind == 0:
            depth = rng.randint(100, 3000)
            lines.append("[" * depth + "]" * depth)
        elif kind == 1:
            lines.append(json.dumps({"id": rng.choice(["L1", "L2", "x.txt", "a\x1b]0;t\x07", None]),
                                     "text": _prose(rng, 15)}))
        elif kind == 2:
            lines.append(json.dumps({"text": _prose(rng, 10), "date": "\x00" * 3,
                                     "title": {"nested": [1, 2]}}))
        elif kind == 3:
            lines.append("{" + '"a":' * rng.randint(1, 50))
        elif kind == 4:
            lines.append(json.dumps(rng.choice([1, "s", None, [], 1e308, True])))
        elif kind == 5:
            lines.append(json.dumps({"id": str(rng.randint(0, 3)), "text": _prose(rng, 12)}))
        else:
            lines.append(json.dumps({"text": "\ud800".encode("utf-8", "surrogatepass")
                                     .decode("utf-8", "replace") + _prose(rng, 5)}))
    return "\n".join(lines)


def _hostile_folder(folder: Path, outside: Path, rng: random.Random) -> int:
    """Fill ``folder`` with hostile entries; returns the bytes written."""
    total = 0
    base = os.fsencode(folder)
    sub = os.path.join(base, b"sub\xff\x1b")
    os.makedirs(sub, exist_ok=True)
    for _ in range(40):
        where = rng.choice([base, base, sub])
        name = os.path.join(where, _name(rng))
        kind = rng.randrange(9)
        try:
            if kind == 0:
                data = rng.randbytes(rng.randint(0, 20000))
            elif kind == 1:
                data = _html(rng).encode("utf-8", "surrogatepass")
            elif kind == 2:
                data = _markdown(rng).encode()
            elif kind == 3:
                data = _jsonl(rng).encode()
            elif kind == 4:
                target = rng.choice([b"/proc/self/status", b"/dev/zero", b"/etc/hostname",
                                     os.fsencode(outside / "secret.txt"), b"missing", b".", b"..",
                                     name])
                os.symlink(target, name)
                continue
            elif kind == 5:
                os.mkfifo(name)
                continue
            elif kind == 6:
                data = ("\ufeff" + _prose(rng, 50)).encode("utf-16")
            elif kind == 7:
                data = b"\x1b]0;owned\x07\x1b[2J" + _prose(rng, 30).encode()
            else:
                data = _prose(rng, rng.randint(5, 200)).encode()
            with open(name, "wb") as f:
                f.write(data)
            total += len(data)
        except (FileExistsError, OSError):
            continue
    return total


def _ids(ix: Path) -> set[str]:
    conn = sqlite3.connect(ix / "index.sqlite3")
    try:
        return {r[0] for r in conn.execute("SELECT public_id FROM articles")}
    finally:
        conn.close()


def _index(folder: Path, ix: Path, budget: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "assistant", "index", str(folder), "--index-dir",
                           str(ix), "--model", "hash", "--json"], capture_output=True, env=env,
                          timeout=budget)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hostile_folders_never_stop_a_run_or_lose_articles(tmp_path, seed):
    rng = random.Random(seed)
    docs, outside, ix = tmp_path / "docs", tmp_path / "outside", tmp_path / "ix"
    write(outside / "secret.txt", "Kata sandi rahasia adalah merpati biru.\n")
    for i in range(5):
        write(docs / f"good{i}.txt", f"Berita baik nomor {i}: {_prose(rng, 30)}\n")
    r = _index(docs, ix, budget=120)
    assert r.returncode == 0, r.stderr
    before = _ids(ix)
    assert len(before) == 5
    for _ in range(2):  # a second round over the same folder must not wedge either
        size = _hostile_folder(docs, outside, rng)
        # A hang guard linear in the input (generous for a loaded machine), not a timing.
        r = _index(docs, ix, budget=120 + size / 10_000)
        assert r.returncode == 0, r.stderr.decode("utf-8")
        summary = json.loads(r.stdout.decode("utf-8"))  # valid UTF-8 and JSON
        assert all(item["reason"] and item["path"] for item in summary["skipped"])
        assert before <= _ids(ix)
        assert b"\x1b" not in r.stderr and b"\x07" not in r.stderr
        assert b"merpati" not in (ix / "index.sqlite3").read_bytes()
