"""Hostile and odd input: bad files, bad questions, articles that try to drive
the terminal. None may abort a run or lose what is already indexed."""

import json
import os
import pty
import subprocess
import sys

import pytest

from assistant.app.service import IndexRequest
from assistant.errors import ExitCode
from assistant.store.manifest import SCHEMA_VERSION

from helpers.common import REPO, SAMPLE_ARTICLE, json_lines, run_cli, write

GOOD = "Banjir besar merendam kota Semarang pada hari Jumat. Ribuan warga mengungsi ke masjid.\n"


def _bad_folder(docs):
    """Every kind of bad file the issue lists, next to good ones."""
    (docs / "image.png.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "latin1.txt").write_bytes("Café di Bandung ramai pengunjung pada hari Minggu. "
                                      "Pemiliknya menjual kopi «luwak».\n".encode("cp1252"))
    with open(docs / "huge.txt", "wb") as f:  # 50 MB of text
        chunk = b"kata yang diulang berkali-kali dalam berkas raksasa ini. " * 1000
        for _ in range(50_000_000 // len(chunk) + 1):
            f.write(chunk)
    (docs / "oneline.txt").write_bytes(b"gunung " * 150_000)  # a single 1 MB line
    write(docs / "page.html", "<html><head><style>body{color:red} .sembunyi{}</style>"
                              "<script>alert('skrip jahat')</script></head><body>"
                              "<p>Gempa mengguncang Cianjur dan merusak ratusan rumah warga.</p>"
                              "</body></html>")
    write(docs / "feed.jsonl", json.dumps({"id": "ok-1", "text": "Harga beras naik di pasar."})
          + "\n{not json\n" + json.dumps({"id": "no-text"}) + "\n"
          + json.dumps({"id": "ok-2", "text": "Kereta cepat mulai beroperasi."}) + "\n")
    write(docs / "copy-of-good.txt", GOOD)  # the same article filed twice
    locked = write(docs / "locked.txt", "Berkas rahasia tentang pemilu.\n")
    locked.chmod(0)
    (docs / "loop").mkdir()
    (docs / "loop" / "back").symlink_to(docs, target_is_directory=True)


def test_a_folder_of_bad_files_indexes_the_good_ones_and_reports_the_rest(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "good.txt", GOOD)
    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    _bad_folder(docs)
    r = run_cli("index", docs, "--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    reasons = {os.path.basename(x["path"]): x["reason"] for x in s["skipped"]}
    assert "binary" in reasons["image.png.txt"]
    assert "empty" in reasons["empty.txt"] or "no article text" in reasons["empty.txt"]
    assert "too large" in reasons["huge.txt"] and "50.0 MB" in reasons["huge.txt"]
    assert "duplicate of an article in" in reasons["copy-of-good.txt"]
    assert "good.txt" in reasons["copy-of-good.txt"]
    assert any("symlink loop" in why for why in reasons.values())
    if os.geteuid() != 0:  # root reads anything: then the file is simply indexed
        assert reasons["locked.txt"] == "permission denied"
    assert any("feed.jsonl:2" in w for w in s["warnings"])
    assert any("feed.jsonl:3" in w and "text" in w for w in s["warnings"])
    # good.txt was kept (unchanged); latin1, oneline, page, 2 jsonl lines (+ locked as root)
    assert s["unchanged"] == 1
    assert s["added"] == 5 + (os.geteuid() == 0)
    r = run_cli("ask", "kopi luwak Café Bandung", "--json", "--index-dir", ix, "-k", "1")
    assert "Café" in json_lines(r.stdout)[0]["citations"][0]["text"]
    r = run_cli("ask", "skrip jahat alert sembunyi", "--json", "--index-dir", ix, "-k", "10")
    for c in json_lines(r.stdout)[0]["citations"]:
        assert "alert" not in c["text"] and "color:red" not in c["text"]
    assert run_cli("info", "--check", "--index-dir", ix).returncode == 0


def test_unreadable_and_vanishing_files_are_skipped_and_keep_old_articles(
        tmp_path, make_service, monkeypatch):
    import builtins

    import assistant.indexing.update as indexer

    docs = tmp_path / "docs"
    for name in ("a.txt", "b.txt", "c.txt"):
        write(docs / name, f"Berita {name} tentang banjir dan gempa di kota {name[0]}.\n")
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))
    for name in ("a.txt", "b.txt", "c.txt"):  # all three change
        write(docs / name, f"Berita baru {name} tentang pemilu di kota {name[0]}.\n")
    real_open = builtins.open

    def hostile_open(path, *args, **kwargs):
        name = os.path.basename(str(path))
        if name == "a.txt":
            raise PermissionError(13, "Permission denied", str(path))
        if name == "b.txt":
            os.unlink(path)  # gone between the scan and the read
            return real_open(path, *args, **kwargs)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(indexer, "open", hostile_open, raising=False)
    s = svc.index(IndexRequest([str(docs)]))
    reasons = {os.path.basename(x.path): x.reason for x in s.skipped}
    assert reasons == {"a.txt": "permission denied", "b.txt": "disappeared while indexing"}
    assert s.updated == 1
    texts = {os.path.basename(a.path): svc.article(a.id).text for a in svc.articles()}
    assert sorted(texts) == ["a.txt", "b.txt", "c.txt"]
    # a and b keep what was indexed before; c, read fine, has its new text.
    assert "banjir dan gempa" in texts["a.txt"] and "banjir dan gempa" in texts["b.txt"]
    assert "pemilu" in texts["c.txt"] and "banjir" not in texts["c.txt"]


def test_duplicate_is_indexed_once_its_twin_is_gone(tmp_path, make_service):
    docs = tmp_path / "docs"
    write(docs / "a.txt", GOOD)
    write(docs / "b.txt", GOOD)
    svc = make_service()
    s = svc.index(IndexRequest([str(docs)]))
    assert (s.added, len(s.skipped)) == (1, 1)
    os.unlink(docs / "a.txt")
    s = svc.index(IndexRequest([str(docs)]))
    assert (s.added, s.removed, s.skipped) == (1, 1, [])
    assert [os.path.basename(a.path) for a in svc.articles()] == ["b.txt"]


def test_older_schema_is_read_and_migrated_forward(tmp_path):
    import shutil
    import sqlite3

    ix = tmp_path / "ix"
    shutil.copytree(REPO / "tests" / "data" / "index-v1", ix)  # built by schema version 1
    r = run_cli("ask", "banjir Semarang", "--json", "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    assert "Semarang" in json_lines(r.stdout)[0]["citations"][0]["text"]
    new = write(tmp_path / "new" / "gempa.txt", "Gempa mengguncang Cianjur pada hari Senin.\n")
    r = run_cli("index", new, "--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(ix / "index.sqlite3")
    version = conn.execute("SELECT value FROM manifest WHERE key='schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    assert conn.execute("SELECT count(*) FROM articles WHERE text_hash = ''").fetchone() == (0,)
    conn.close()
    assert run_cli("info", "--check", "--index-dir", ix).returncode == 0
    r = run_cli("ask", "banjir Semarang", "--json", "--index-dir", ix, "-k", "1")
    assert "Semarang" in json_lines(r.stdout)[0]["citations"][0]["text"]


BRIDGE = """Jembatan Kapuas III di Pontianak Dibuka

PONTIANAK, KOMPAS.TV - Jembatan Kapuas III di Pontianak resmi dibuka untuk umum pada Senin (5/1/2026).

Bentang sepanjang 1,4 kilometer itu menghubungkan dua tepi sungai dan dapat dilalui tanpa biaya.

Pengelola memperkirakan 20.000 kendaraan melintas setiap hari pada pekan pertama, naik dari 15.000.
"""


def test_schema_2_index_is_read_then_migrated_to_passage_context(tmp_path):
    """tests/data/index-v2 was built by schema version 2, before passages carried
    their article's context (the bridge article without its last four words)."""
    import shutil
    import sqlite3

    ix = tmp_path / "ix"
    shutil.copytree(REPO / "tests" / "data" / "index-v2", ix)
    r = run_cli("ask", "Kapuas bentang kilometer", "--json", "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    # Unmigrated, the paragraph alone does not say which bridge: the lead wins.
    assert json_lines(r.stdout)[0]["citations"][0]["paragraph"] == 1
    new = write(tmp_path / "new" / "jembatan-kapuas.txt", BRIDGE)
    r = run_cli("index", new, "--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(ix / "index.sqlite3")
    version = conn.execute("SELECT value FROM manifest WHERE key='schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    rows = conn.execute("SELECT a.source_path, p.ordinal, p.context FROM passages p "
                        "JOIN articles a ON a.id = p.article_id ORDER BY p.id").fetchall()
    conn.close()
    old = [c for path, _, c in rows if not path.startswith(str(tmp_path))]
    assert old == ["", "", "", ""]  # embedded without context before: they say so
    added = {o: c for path, o, c in rows if path.startswith(str(tmp_path))}
    assert added == {i: "Jembatan Kapuas III di Pontianak Dibuka" for i in range(3)}
    assert run_cli("info", "--check", "--index-dir", ix).returncode == 0
    r = run_cli("ask", "Kapuas bentang kilometer", "--json", "--index-dir", ix)
    top = json_lines(r.stdout)[0]["citations"][0]
    assert top["article"]["path"] == str(new) and top["paragraph"] == 2
    assert top["text"].startswith("Bentang sepanjang")  # cited without its context


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    ix = root / "ix"
    assert run_cli("index", SAMPLE_ARTICLE, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    return ix


def test_empty_question_is_a_usage_error(small_index):
    for q in ("", "   ", "\x1b[2J\x07"):
        r = run_cli("ask", q, "--index-dir", small_index)
        assert r.returncode == ExitCode.USAGE, q
        assert "empty" in r.stderr and "Traceback" not in r.stderr


def test_huge_question_is_truncated_with_a_note(small_index):
    q = "berapa tentara Korea Utara dikirim " * 3000  # over 100 000 characters
    assert len(q) > 100_000
    r = run_cli("ask", "--json", "--index-dir", small_index, stdin=q + "\n")
    assert r.returncode == 0, r.stderr
    out = json_lines(r.stdout)[0]
    assert "truncated" in out["note"] and len(out["question"]) <= 2000
    assert out["citations"]


def test_control_characters_in_a_question_are_stripped(small_index):
    r = run_cli("ask", "--json", "--index-dir", small_index,  # stdin: argv cannot hold NUL
                stdin="berapa \x1b]0;owned\x07tentara\x00 Korea\x1b[31m Utara\n")
    assert r.returncode == 0, r.stderr
    out = json_lines(r.stdout)[0]
    assert out["question"] == "berapa tentara Korea Utara"


def test_no_escape_from_an_article_reaches_a_terminal(tmp_path):
    """On a real terminal the output is coloured, but only by our own SGR codes."""
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "evil.txt", "Berita [bold red]INJECT[/] tentang \x1b]0;owned\x07 pemilu "
                             "\x1b]8;;https://evil.example\x1b\\klik\x1b]8;;\x1b\\ dan \x1b[2J.\n")
    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    leader, follower = pty.openpty()
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "INJECT pemilu",
                             "--index-dir", str(ix)], stdout=follower, stderr=subprocess.PIPE,
                            env=env)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    text = out.decode("utf-8", "replace")
    assert "\x1b[" in text  # coloured: it did see a terminal
    assert "\x1b]" not in text and "\x07" not in text and "\x1b[2J" not in text
    import re

    assert not re.findall(r"\x1b(?!\[[0-9;]*m)", text)  # every escape is a colour code
    assert "[bold red]INJECT[/]" in re.sub(r"\x1b\[[0-9;]*m", "", text)
