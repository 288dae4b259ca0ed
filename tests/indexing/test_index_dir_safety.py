"""The index folder keeps every file of the user's, and none of the program's
files are read as articles (issue 25, items 1 and 8), through the real CLI."""

import json
import re
import shutil

from helpers.common import SAMPLE_ARTICLE, run_cli, write

DENGUE = "Vectors of disease: mosquitoes spread dengue in the rainy season, officials said."


def _index(*args):
    r = run_cli("index", *args, "--model", "hash", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_update_never_deletes_user_files_named_like_vectors(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(SAMPLE_ARTICLE, d)
    write(d / "vectors.txt", DENGUE)
    user = {"vectors.csv": "x\n", "vectors.notes": "mine\n", "vectors.1.faiss.bak": "keep\n",
            "vectors.faiss": "not a generation\n", "vectors.01.faiss": "leading zero\n"}
    for name, text in user.items():
        write(d / name, text)
    first = _index(d, "--index-dir", d)
    assert first["changes"].get(str(d / "vectors.txt")) == "added"
    for n in range(3):  # three more generations: the oldest ones are cleaned away
        write(d / f"more{n}.txt", f"Story {n}: the council met on Monday to discuss the budget.")
        _index(d, "--index-dir", d)
    assert (d / "vectors.txt").read_text(encoding="utf-8") == DENGUE
    for name, text in user.items():
        assert (d / name).read_text(encoding="utf-8") == text, name
    faiss = sorted(p.name for p in d.iterdir() if re.fullmatch(r"vectors\.[1-9]\d*\.faiss", p.name))
    assert faiss == ["vectors.3.faiss", "vectors.4.faiss"]  # only stale generations went


def test_index_folder_inside_indexed_folder_is_not_read(tmp_path):
    docs = tmp_path / "docs"
    shutil.copy(SAMPLE_ARTICLE, write(docs / "a.txt", "x").parent / SAMPLE_ARTICLE.name)
    (docs / "a.txt").unlink()
    ix = docs / "ix"
    _index(docs, "--index-dir", ix)
    write(ix / "transcripts" / "2024-01-01-000000.md", "# Chat\n\nQ: who? A: the chat said so.")
    write(ix / "history.jsonl", '{"q": "siapa"}\nnot json\n')
    summary = _index(docs, "--index-dir", ix)
    mentioned = [s["path"] for s in summary["skipped"]] + list(summary["changes"])
    assert not [p for p in mentioned if p.startswith(str(ix))], mentioned
    assert not [w for w in summary["warnings"] if "history" in w or "transcripts" in w]
    assert summary["articles"] == 1


def test_the_users_files_in_the_index_folder_are_still_articles(tmp_path):
    """The index folder is also the indexed folder: the program's files are left out, the
    user's are read."""
    d = tmp_path / "d"
    write(d / "story.txt", DENGUE)
    _index(d, "--index-dir", d)
    write(d / "transcripts" / "t.md", "# Chat\n\nQ: who? A: the chat said so.")
    summary = _index(d, "--index-dir", d)
    assert summary["articles"] == 1
    assert not [s for s in summary["skipped"] if "index" in s["path"] or "vectors" in s["path"]]
