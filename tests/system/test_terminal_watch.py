"""The chat in a real terminal (tmux) shows an update made by watching its folder."""

import re
import shutil

import pytest

from helpers.common import SAMPLE_ARTICLE, run_cli, write
from helpers.terminal import Terminal, needs_tmux

pytestmark = [needs_tmux, pytest.mark.slow]


def test_the_chat_shows_a_watched_update_and_what_changed(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    index_dir = tmp_path / "index"
    built = run_cli("index", folder, "--index-dir", index_dir, "--model", "hash", "-q")
    assert built.returncode == 0, built.stderr
    term = Terminal(["chat", "--index-dir", index_dir], cwd=tmp_path)
    try:
        term.wait_text("· watching")  # the header says so once a new file would be seen
        write(folder / "gempa-cianjur.txt",
              "Gempa bermagnitudo 5,6 mengguncang Cianjur pada hari Senin siang.\n")
        screen = term.wait_for(lambda s: re.search(r"Folder changed, index updated: added\s+"
                                                   r"(articles/)?gempa-cianjur\.txt", s),
                               "the watched update's note")
        assert "now 2 articles" in screen
    finally:
        term.close()
