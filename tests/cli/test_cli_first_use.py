"""CLI details found by trying it as a new user would."""

import json
import shutil

from assistant.errors import ExitCode

from helpers.common import SAMPLE_ARTICLE, TROOPS, run_cli, write


def test_index_human_summary_counts_skipped_files(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "ok.txt", "Banjir\n\nBanjir merendam 20 kelurahan di Jakarta pada Jumat.\n")
    write(docs / "empty.txt", "")
    (docs / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    r = run_cli("index", docs, "--index-dir", tmp_path / "ix", "--model", "hash")
    assert r.returncode == 0, r.stderr
    as_json = run_cli("index", docs, "--index-dir", tmp_path / "ix2", "--model", "hash", "--json")
    skipped = len(json.loads(as_json.stdout)["skipped"])
    assert skipped >= 1
    assert f"skipped {skipped}" in r.stdout
    assert r.stderr.count("skipped ") == skipped  # each one named once, on stderr


def test_empty_stdin_is_a_usage_error(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "ok.txt", "Banjir\n\nBanjir merendam 20 kelurahan di Jakarta pada Jumat.\n")
    assert run_cli("index", docs, "--index-dir", tmp_path / "ix", "--model", "hash").returncode == 0
    for stdin in ("", "\n  \n"):
        r = run_cli("ask", "--json", "--index-dir", tmp_path / "ix", stdin=stdin)
        assert r.returncode == ExitCode.USAGE, (stdin, r.stderr)
        assert "no question" in r.stderr and r.stdout == "" and "Traceback" not in r.stderr


def _checkout_like(tmp_path):
    """A working folder with sample_articles/, as in a fresh clone."""
    shutil.copytree(SAMPLE_ARTICLE.parent, tmp_path / "sample_articles",
                    ignore=lambda d, names: [n for n in names if n != SAMPLE_ARTICLE.name])
    return {"ASSISTANT_SAMPLE_DIR": ""}  # not set: found in the working folder


def test_a_mistyped_index_dir_is_an_error_not_a_new_sample_index(tmp_path):
    env = _checkout_like(tmp_path)
    r = run_cli("ask", "berapa tentara dikirim?", "--index-dir", "idnex", "--model", "hash",
                cwd=tmp_path, env=env)
    assert r.returncode == ExitCode.NO_INDEX, r.stderr
    assert "no index in" in r.stderr and "idnex" in r.stderr
    assert not (tmp_path / "idnex").exists()


def test_the_default_index_location_is_built_from_the_samples(tmp_path):
    env = _checkout_like(tmp_path)
    r = run_cli("ask", "berapa tentara Korea Utara dikirimkan", "--json", "--model", "hash",
                cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert "building it from" in r.stderr
    assert TROOPS in json.loads(r.stdout)["citations"][0]["text"]
    assert (tmp_path / "index" / "index.sqlite3").exists()
