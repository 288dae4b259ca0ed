"""`assistant index --watch` through the real entry point: changes are applied as
they settle, a burst is one update, a half-written file is never indexed."""

import os
import time
from pathlib import Path

import pytest

from assistant.app.watch import relevant

from helpers.common import json_lines, run_cli, write
from helpers.watch_process import WatchProcess

pytestmark = pytest.mark.slow

FLOOD = "Banjir besar merendam kota Semarang pada hari Jumat. Ribuan warga mengungsi ke masjid.\n"
QUAKE = "Gempa bermagnitudo 5,6 mengguncang Cianjur pada hari Senin siang.\n"


def _name(path: str) -> str:
    return os.path.basename(path)


def _changes(update: dict) -> dict[str, str]:
    return {_name(p): c for p, c in update["changes"].items()}


@pytest.fixture
def watcher(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "banjir.txt", FLOOD)
    started = []

    def start(*extra):
        w = WatchProcess(docs, "--index-dir", tmp_path / "ix", "--model", "hash", *extra)
        started.append(w)
        first = w.next_update()  # the first update, as `assistant index` would do it
        assert first["added"] == 1
        w.wait_armed()
        return w, docs

    yield start
    for w in started:
        if w.proc.poll() is None:
            w.stop()


def test_added_changed_and_deleted_files_are_applied(watcher, tmp_path):
    w, docs = watcher()
    began = time.monotonic()
    write(docs / "gempa.txt", QUAKE)
    assert _changes(w.next_update()) == {"gempa.txt": "added"}
    write(docs / "gempa.txt", QUAKE.replace("Cianjur", "Sukabumi"))
    assert _changes(w.next_update()) == {"gempa.txt": "updated"}
    os.rename(docs / "gempa.txt", docs / "gempa-sukabumi.txt")
    assert _changes(w.next_update()) == {"gempa.txt": "removed", "gempa-sukabumi.txt": "added"}
    os.unlink(docs / "banjir.txt")
    update = w.next_update()
    assert _changes(update) == {"banjir.txt": "removed"}
    assert update["articles"] == 1
    print(f"four changes applied in {time.monotonic() - began:.1f} s")  # for the log only
    r = run_cli("ask", "gempa Sukabumi", "--json", "--index-dir", tmp_path / "ix")
    assert json_lines(r.stdout)[0]["citations"][0]["article"]["path"].endswith(
        "gempa-sukabumi.txt")
    assert any(line.startswith("assistant: index updated: added ") and "gempa.txt" in line
               for line in w.stderr)


def test_a_burst_of_50_files_is_at_most_3_updates(watcher):
    w, docs = watcher()
    for i in range(50):
        write(docs / f"burst-{i:02d}.txt", f"Berita nomor {i} tentang panen padi di desa {i}.\n")
    added = []
    while len(added) < 50:
        added += [n for n, c in _changes(w.next_update()).items() if c == "added"]
    assert sorted(added) == [f"burst-{i:02d}.txt" for i in range(50)]
    updates = w.updates[1:]  # after the first update
    assert len(updates) <= 3, [u["added"] for u in updates]


def test_a_half_written_file_is_not_indexed_half_written(watcher, tmp_path):
    w, docs = watcher()
    with open(docs / "laporan.txt", "w", encoding="utf-8") as f:
        f.write("Banjir bandang menerjang Garut pada Selasa malam.\n")
        f.flush()
        os.fsync(f.fileno())
        time.sleep(0.3)  # the writer pauses mid-file: part of the scenario, not a wait
        f.write("\nSebanyak 27 rumah hanyut terbawa arus sungai Cimanuk.\n")
    update = w.next_update()
    assert _changes(update) == {"laporan.txt": "added"}
    # Indexed whole at its first update: the second paragraph is there already.
    r = run_cli("ask", "rumah hanyut sungai Cimanuk", "--json", "-k", "1",
                "--index-dir", tmp_path / "ix")
    assert "27 rumah hanyut" in json_lines(r.stdout)[0]["citations"][0]["text"]


def test_temporary_and_hidden_files_are_never_read(watcher):
    w, docs = watcher()
    write(docs / "unduhan.txt.part", QUAKE)
    write(docs / ".draft.txt", QUAKE)
    write(docs / "gempa.txt", QUAKE)
    assert _changes(w.next_update()) == {"gempa.txt": "added"}


def test_ctrl_c_stops_watching_with_exit_0(watcher):
    w, _ = watcher()
    assert w.stop() == 0
    assert w.stderr[-1] == "assistant: stopped watching"


def test_relevant_paths(tmp_path):
    root = str(tmp_path)
    ix = str(tmp_path / "index")
    assert relevant(f"{root}/a.txt", [root], [ix])
    assert relevant(f"{root}/sub/b.pdf", [root], [ix])
    assert relevant(f"{root}/folder", [root], [ix])  # a folder moved or deleted
    assert not relevant(f"{root}/a.txt.crdownload", [root], [ix])
    assert not relevant(f"{root}/a.txt.tmp", [root], [ix])
    assert not relevant(f"{root}/.hidden/a.txt", [root], [ix])
    assert not relevant(f"{root}/index/index.sqlite3", [root], [ix])
    assert relevant(f"{root}/photo.jpg", [root], [ix])  # an image: read by OCR
    assert not relevant(f"{root}/photo.gif", [root], [ix])
    assert relevant(str(Path(root) / "x.md"), [root])
