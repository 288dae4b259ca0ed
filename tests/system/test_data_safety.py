"""Data safety (issue 11): nothing the tool recommends destroys data, no file or
name stops a run, and everything printed is safe. One test per reproduction,
through the real entry point."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers.common import SAMPLE_DIR, json_lines, run_cli, write

GOOD = "Gempa bumi mengguncang Cianjur pada Senin pagi dan merusak ratusan rumah warga.\n"


def corpus(folder: Path, n: int, start: int = 0, word: str = "kota") -> Path:
    for i in range(start, start + n):
        write(folder / f"a{i:03d}.txt", f"Berita nomor {i} tentang {word}{i} dan pesta{i} di alun-alun "
                                        f"kota pada hari Senin.\n")
    return folder


def index(*args, **kw):
    return run_cli("index", *args, "--model", "hash", **kw)


def info(ix) -> dict:
    r = run_cli("info", "--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def article_ids(ix) -> set[str]:
    conn = sqlite3.connect(Path(ix) / "index.sqlite3")
    try:
        return {r[0] for r in conn.execute("SELECT public_id FROM articles")}
    finally:
        conn.close()


# -- 1. --rebuild with no PATH ------------------------------------------------------------

def test_1_rebuild_without_path_rebuilds_the_recorded_folders(tmp_path):
    docs, ix = corpus(tmp_path / "c300", 30), tmp_path / "ix"
    assert index(docs, "--index-dir", ix, "-q").returncode == 0
    before = article_ids(ix)
    # The sample folder is there to be (wrongly) picked as a default.
    r = run_cli("index", "--rebuild", "--index-dir", ix, "--json",
                env={"ASSISTANT_SAMPLE_DIR": str(SAMPLE_DIR)})
    assert r.returncode == 0, r.stderr
    assert article_ids(ix) == before
    assert info(ix)["roots"] == [str(docs)]
    assert info(ix)["model"] == "hash"  # the recorded model, not the default one


def test_1_large_removal_asks_for_yes_and_forget_removes_explicitly(tmp_path):
    docs, ix = corpus(tmp_path / "docs", 30), tmp_path / "ix"
    other = corpus(tmp_path / "other", 2, start=100)
    assert index(docs, other, "--index-dir", ix, "-q").returncode == 0
    for f in list(docs.iterdir())[:25]:
        f.unlink()
    r = index("--index-dir", ix)
    assert r.returncode == 11 and "--yes" in r.stderr and "nothing was changed" in r.stderr
    assert len(article_ids(ix)) == 32
    assert index("--index-dir", ix, "--yes", "-q").returncode == 0
    assert len(article_ids(ix)) == 7
    r = index("--index-dir", ix, "--forget", other, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["removed"] == 2 and info(ix)["roots"] == [str(docs)]


# -- 2. missing or unreadable folders keep their articles ----------------------------------

def test_2_missing_folder_keeps_its_articles(tmp_path):
    a, b, ix = corpus(tmp_path / "a", 3), corpus(tmp_path / "b", 6, start=10), tmp_path / "ix"
    assert index(a, b, "--index-dir", ix, "-q").returncode == 0
    b.rename(tmp_path / "b-unmounted")
    r = index("--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert (s["removed"], s["articles"]) == (0, 9)
    assert f"--forget {b}" in r.stderr
    r = run_cli("index", "--rebuild", "--model", "hash", "--index-dir", ix)
    assert r.returncode == 7 and "--forget" in r.stderr  # a rebuild would drop them: it refuses
    assert len(article_ids(ix)) == 9


def _unprivileged() -> list[str]:
    """A command prefix that drops root's permission bypass (empty when not root)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("needs setpriv to drop root's permission bypass")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_2_unreadable_subfolder_keeps_its_articles():
    prefix = _unprivileged()
    base = Path(tempfile.mkdtemp(prefix="assistant-perm-"))
    try:
        os.chmod(base, 0o777)
        docs, ix = corpus(base / "docs", 2), base / "ix"
        corpus(docs / "sub", 6, start=10)
        for d in (docs, docs / "sub"):
            os.chmod(d, 0o777)

        def run(*args):
            env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "HOME": str(base)}
            return subprocess.run([*prefix, sys.executable, "-m", "assistant", *map(str, args)],
                                  capture_output=True, text=True, env=env, cwd=base, timeout=300)

        assert run("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
        os.chmod(docs / "sub", 0)
        r = run("index", "--index-dir", ix, "--json")
        assert r.returncode == 0, r.stderr
        s = json.loads(r.stdout)
        assert (s["removed"], s["articles"]) == (0, 8)
        assert any(i["path"] == str(docs / "sub") and "permission" in i["reason"]
                   for i in s["skipped"])
        r = run("index", "--rebuild", "--index-dir", ix)  # it could not keep them: it asks
        assert r.returncode == 11 and "--yes" in r.stderr, r.stderr
        assert json.loads(run("info", "--index-dir", ix, "--json").stdout)["articles"] == 8
    finally:
        os.chmod(base / "docs" / "sub", 0o755)
        shutil.rmtree(base)


# -- 3, 6, 7. .jsonl lines -----------------------------------------------------------------

def test_3_line_without_id_after_id_L2_is_kept(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "feed.jsonl", json.dumps({"id": "L2", "text": "Harga beras naik di pasar."}) + "\n"
          + json.dumps({"text": "Kereta cepat mulai beroperasi pekan ini."}) + "\n")
    r = index(docs, "--index-dir", ix)
    assert r.returncode == 0 and "duplicate" not in r.stderr
    assert len(article_ids(ix)) == 2 and "L2" in article_ids(ix)


def test_6_deeply_nested_jsonl_line_is_skipped_with_its_line_number(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "feed.jsonl", "[" * 2000 + "]" * 2000 + "\n"
          + '{"text": {"a": ' * 2000 + "1" + "}" * 2000 + "\n"
          + json.dumps({"id": "ok", "text": "Harga beras naik di pasar."}) + "\n")
    r = index(docs, "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    assert "feed.jsonl:1: skipped line" in r.stderr and "feed.jsonl:2: skipped line" in r.stderr
    assert article_ids(ix) == {"ok"}


def test_7_file_name_with_hash_and_jsonl_id_never_collide(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "feed.jsonl#x.txt", GOOD)
    write(docs / "feed.jsonl", json.dumps({"id": "x.txt", "text": "Kereta cepat mulai beroperasi."}))
    for _ in range(2):
        r = index(docs, "--index-dir", ix)
        assert r.returncode == 0, r.stderr
    assert len(article_ids(ix)) == 2


# -- 4, 5, 8. names and contents that used to stop a run ------------------------------------

def test_4_file_name_with_invalid_utf8_is_skipped_and_output_stays_utf8(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "good.txt", GOOD)
    bad = os.path.join(os.fsencode(docs), b"bad\xff\xfe.txt")
    with open(bad, "wb") as f:
        f.write(GOOD.replace("Cianjur", "Garut").encode())
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}
    for extra in ([], ["--json"]):
        r = subprocess.run([sys.executable, "-m", "assistant", "index", str(docs), "--index-dir",
                            str(ix), "--model", "hash", *extra], capture_output=True, env=env,
                           timeout=300)
        assert r.returncode == 0, r.stderr
        out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")  # valid UTF-8
        assert "not valid UTF-8" in out + err
    assert len(article_ids(ix)) == 1


def test_5_html_that_breaks_the_old_parser_is_indexed_or_skipped(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "good.txt", GOOD)
    write(docs / "odd.html", "<html><body><p>Banjir di Bekasi surut.</p><![ x</body></html>")
    r = index(docs, "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    assert len(article_ids(ix)) >= 1


def test_8_adversarial_markdown_and_html_parse_in_linear_time(tmp_path):
    """On the old parsers these files took minutes (quadratic); the subprocess
    timeout is a hang guard with a wide margin, not a measurement."""
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "stars.md", "*a " * 88_000)  # 264 KB: about 150 s before
    write(docs / "attrs.html", '<a b="' * 80_000)  # 480 KB: about 6 min before
    write(docs / "bangs.md", "![" * 100_000 + "\n\n" + "[a](" * 50_000)
    write(docs / "good.txt", GOOD)
    r = index(docs, "--index-dir", ix, timeout=90)
    assert r.returncode == 0, r.stderr
    assert len(article_ids(ix)) >= 1


# -- 9. vectors_file ------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["fifo", "absolute", "../outside.faiss"])
def test_9_vectors_file_must_be_a_plain_file_in_the_index(tmp_path, value):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "good.txt", GOOD)
    assert index(docs, "--index-dir", ix, "-q").returncode == 0
    fifo = tmp_path / "fifo.faiss"
    os.mkfifo(fifo)
    if value == "fifo":
        (ix / "vectors.1.faiss").unlink()
        os.mkfifo(ix / "vectors.1.faiss")
        name = "vectors.1.faiss"
    else:
        name = str(fifo) if value == "absolute" else value
    conn = sqlite3.connect(ix / "index.sqlite3")
    conn.execute("UPDATE manifest SET value = ? WHERE key = 'vectors_file'", (name,))
    conn.commit()
    conn.close()
    for args in (["ask", "gempa"], ["info"]):
        r = run_cli(*args, "--index-dir", ix, timeout=60)  # never hangs on the FIFO
        assert r.returncode == 4, r.stderr
        assert str(ix) in r.stderr


# -- 12, 13. read-only file system and full disk -------------------------------------------

def _mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                                            str(where)], capture_output=True).returncode != 0:
        pytest.skip("needs permission to mount a tmpfs")


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_12_read_only_index_answers_and_index_says_read_only(tmp_path):
    docs, mnt = tmp_path / "docs", tmp_path / "mnt"
    write(docs / "good.txt", GOOD)
    _mount_tmpfs(mnt, "20m")
    try:
        ix = mnt / "ix"
        assert index(docs, "--index-dir", ix, "-q").returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        r = run_cli("ask", "gempa Cianjur", "--index-dir", ix, "--json")
        assert r.returncode == 0, r.stderr
        assert "Cianjur" in json_lines(r.stdout)[0]["citations"][0]["text"]
        write(docs / "new.txt", "Banjir di Bekasi surut pada Selasa.\n")
        r = index(docs, "--index-dir", ix)
        assert r.returncode == 10, r.stderr
        assert "read-only" in r.stderr and "rebuild" not in r.stderr and "Traceback" not in r.stderr
    finally:
        _umount(mnt)


def test_13_full_disk_has_its_own_exit_code_and_keeps_the_index(tmp_path):
    docs, mnt = tmp_path / "docs", tmp_path / "mnt"
    write(docs / "good.txt", GOOD)
    _mount_tmpfs(mnt, "600k")
    try:
        ix = mnt / "ix"
        assert index(docs, "--index-dir", ix, "-q").returncode == 0
        before = article_ids(ix)
        corpus(docs, 400, word="x" * 200)  # far more than the disk holds
        r = index(docs, "--index-dir", ix)
        assert r.returncode == 9, r.stderr
        assert "full" in r.stderr and "internal error" not in r.stderr
        assert article_ids(ix) == before
        r = run_cli("ask", "gempa Cianjur", "--index-dir", ix)
        assert r.returncode == 0, r.stderr
    finally:
        _umount(mnt)


# -- 14. escape sequences in names and ids ---------------------------------------------------

def test_14_escape_sequences_in_names_and_ids_never_reach_the_terminal(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "good.txt", GOOD)
    write(docs / "evil\x1b]0;pwned\x07\x1b[2J.bin", "x")  # an unsupported file: a skip line
    write(docs / "evil\x1b[2J.txt", "")  # an empty file: another skip line
    evil_id = "id\x1b]0;pwned\x07"
    write(docs / "feed.jsonl", "\n".join(json.dumps({"id": evil_id, "text": t}) for t in
                                         ("Harga beras naik di pasar.", "Kereta cepat beroperasi.")))
    r = index(docs, "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    assert "skipped" in r.stderr and "duplicate article id" in r.stderr
    assert "\x1b" not in r.stderr + r.stdout and "\x07" not in r.stderr + r.stdout
    r = run_cli("index", "--index-dir", ix, "--json")
    assert "\x1b" not in r.stdout  # JSON escapes them


# -- 16. symlinks ---------------------------------------------------------------------------

def test_16_links_out_of_the_folder_are_skipped_unless_followed(tmp_path):
    docs, outside, ix = tmp_path / "docs", tmp_path / "outside", tmp_path / "ix"
    write(docs / "good.txt", GOOD)
    write(outside / "secret.txt", "Kata sandi rahasia adalah merpati biru.\n")
    (docs / "link.txt").symlink_to(outside / "secret.txt")
    (docs / "linked").symlink_to(outside, target_is_directory=True)
    (docs / "status.txt").symlink_to("/proc/self/status")
    (docs / "host.txt").symlink_to("/etc/hostname")
    r = index(docs, "--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    reasons = {Path(i["path"]).name: i["reason"] for i in json.loads(r.stdout)["skipped"]}
    assert "--follow-links" in reasons["link.txt"] and "--follow-links" in reasons["linked"]
    assert "--follow-links" in reasons["host.txt"] and "never read" in reasons["status.txt"]
    assert "merpati" not in _cited(ix, "kata sandi rahasia merpati")
    r = index(docs, "--index-dir", ix, "--json", "--follow-links")
    assert r.returncode == 0, r.stderr
    reasons = {Path(i["path"]).name: i["reason"] for i in json.loads(r.stdout)["skipped"]}
    assert "link.txt" not in reasons and "never read" in reasons["status.txt"]
    assert "merpati" in _cited(ix, "kata sandi rahasia merpati")


def _cited(ix, question: str) -> str:
    r = run_cli("ask", question, "--index-dir", ix, "--json")
    assert r.returncode == 0, r.stderr
    return " ".join(c["text"] for c in json_lines(r.stdout)[0]["citations"])


# -- 17, 18. batch input and --debug -------------------------------------------------------

@pytest.fixture
def small_index(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "good.txt", GOOD)
    assert index(docs, "--index-dir", ix, "-q").returncode == 0
    return ix


def test_17_a_bad_batch_line_gets_an_error_object_and_the_batch_goes_on(small_index):
    r = run_cli("ask", "--json", "--index-dir", small_index,
                stdin="gempa Cianjur\n\x1b\x07\x1b[2J\nrumah warga\n")
    assert r.returncode == 0, r.stderr
    out = json_lines(r.stdout)
    assert len(out) == 3
    assert out[0]["question"] == "gempa Cianjur" and out[2]["question"] == "rumah warga"
    assert out[1]["exit_code"] == 2 and "empty" in out[1]["error"]
    r = run_cli("ask", "--index-dir", small_index, stdin="gempa\n\x07\nrumah\n")
    assert r.returncode == 0 and r.stdout.count("Q: ") == 2 and "line skipped" in r.stderr


def test_18_debug_after_the_subcommand_and_invalid_utf8_on_stdin(small_index):
    r = run_cli("ask", "gempa", "--index-dir", small_index, "--debug")
    assert r.returncode == 0, r.stderr
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none"}
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--index-dir",
                        str(small_index)], input=b"gempa caf\xe9 \xff\xfe Cianjur\n",
                       capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout.decode("utf-8"))  # valid UTF-8
    assert "\ufffd" in answer["question"]
