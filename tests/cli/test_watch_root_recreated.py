"""`assistant index --watch` keeps watching a root folder that is deleted and
made again (issue 25, item 9), through the real CLI process."""

import os
import shutil

import pytest

from helpers.common import write
from helpers.watch_process import WatchProcess

pytestmark = pytest.mark.slow

FLOOD = "Banjir besar merendam kota Semarang pada hari Jumat. Ribuan warga mengungsi ke masjid.\n"
QUAKE = "Gempa bermagnitudo 5,6 mengguncang Cianjur pada hari Senin siang.\n"


def _names(update: dict) -> dict[str, str]:
    return {os.path.basename(p): c for p, c in update["changes"].items()}


def test_watch_rearms_when_its_root_folder_is_recreated(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "banjir.txt", FLOOD)
    w = WatchProcess(docs, "--index-dir", tmp_path / "ix", "--model", "hash")
    try:
        assert w.next_update()["added"] == 1
        w.wait_armed()
        shutil.rmtree(docs)
        os.mkdir(docs)
        write(docs / "gempa.txt", QUAKE)
        update = w.wait_for(lambda kind, u: kind == "out" and "gempa.txt" in _names(u))
        assert _names(update)["gempa.txt"] == "added"
        write(docs / "banjir.txt", FLOOD)  # and the new folder is watched from now on
        w.wait_for(lambda kind, u: kind == "out" and _names(u).get("banjir.txt") == "added")
        assert w.updates[-1]["articles"] == 2
    finally:
        assert w.stop() == 0
