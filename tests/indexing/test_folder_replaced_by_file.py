"""A deleted subfolder replaced by a file of the same name: the folder's
articles go, and the file is indexed when it can be (issue 25, item 10)."""

import json
import shutil

from helpers.common import SAMPLE_ARTICLE, run_cli, write

STORIES = [f"Story {n}: the harbour authority reported {n * 7} ships waiting on Tuesday."
           for n in range(3)]


def _index(docs, ix):
    r = run_cli("index", docs, "--index-dir", ix, "--model", "hash", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _three_in(folder):
    for n, text in enumerate(STORIES):
        write(folder / f"s{n}.txt", text)


def test_folder_replaced_by_unreadable_file_loses_its_articles(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    shutil.copy(SAMPLE_ARTICLE, write(docs / "keep.txt", "x").parent / SAMPLE_ARTICLE.name)
    _three_in(docs / "sub")
    assert _index(docs, ix)["articles"] == 5
    shutil.rmtree(docs / "sub")
    write(docs / "sub", "now a plain file without a suffix")
    summary = _index(docs, ix)
    assert summary["removed"] == 3
    assert summary["articles"] == 2
    assert not [w for w in summary["warnings"] if "kept its" in w], summary["warnings"]


def test_folder_replaced_by_readable_file_is_indexed(tmp_path):
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    _three_in(docs / "feed.txt")
    assert _index(docs, ix)["articles"] == 3
    shutil.rmtree(docs / "feed.txt")
    write(docs / "feed.txt", "The river rose two metres overnight, flooding the old market.")
    summary = _index(docs, ix)
    assert (summary["removed"], summary["added"], summary["articles"]) == (3, 1, 1)
    assert summary["changes"][str(docs / "feed.txt")] == "added"


def test_missing_folder_still_keeps_its_articles(tmp_path):
    """Unchanged: a folder that is only unreadable now keeps what it gave."""
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    write(docs / "keep.txt", STORIES[0] + " Kept.")
    _three_in(docs / "sub")
    _index(docs, ix)
    (docs / "sub").chmod(0)
    try:
        summary = _index(docs, ix)
    finally:
        (docs / "sub").chmod(0o755)
    if summary["skipped"]:  # root can read anything: nothing is skipped then
        assert summary["removed"] == 0 and summary["articles"] == 4
