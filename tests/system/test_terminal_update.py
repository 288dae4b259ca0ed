"""The chat in a real terminal (tmux): what a user sees during an index update."""

import random
import re
import shutil

import pytest

from helpers.common import SAMPLE_ARTICLE, run_cli
from helpers.terminal import Terminal, needs_tmux

pytestmark = [needs_tmux, pytest.mark.slow]

BAR = re.compile(r"Updating index: (reading files|embedding passages|writing index) (\d+)/(\d+)")
QUESTION = "berapa tentara Korea Utara dikirimkan"
ANSWER = re.compile(r"[╭┌]─+ Answer")
INPUT_UNCOVERED = re.compile(r"Ask about your articles, in any language \(Enter asks, Tab: citations\)"
                             r" *▎")


def _many_articles(folder, n: int) -> None:
    """Enough articles that an update with the hash model takes several seconds."""
    rng = random.Random(14)
    words = ("pasukan kota negara presiden menteri rakyat pemilu ekonomi harga pasar bank "
             "sekolah guru hujan banjir gunung laut pulau jalan kereta pesawat bandara").split()
    for i in range(n):
        paragraphs = [" ".join(rng.choice(words) for _ in range(60)) for _ in range(5)]
        (folder / f"berita-{i:05d}.txt").write_text(
            f"Berita nomor {i}\n\n" + "\n\n".join(p.capitalize() + "." for p in paragraphs),
            encoding="utf-8")


@pytest.fixture
def chat_during_update(tmp_path):
    """A chat over an index whose folder has since gained thousands of articles."""
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    index_dir = tmp_path / "index"
    built = run_cli("index", folder, "--index-dir", index_dir, "--model", "hash", "-q")
    assert built.returncode == 0, built.stderr
    _many_articles(folder, 4000)
    term = Terminal(["chat", "--index-dir", index_dir], cwd=tmp_path)
    try:
        term.wait_text("passages")  # the model is loaded: the header counts the passages
        yield term
    finally:
        term.close()


def _bar_counting(screen: str) -> bool:
    m = BAR.search(screen)
    return bool(m) and int(m.group(2)) > 0


def test_update_shows_progress_says_running_and_answers_meanwhile(chat_during_update):
    term = chat_during_update
    term.send("C-r")
    # The bar stays up with counts while the update runs (a repaint used to hide it).
    shown = term.wait_for(lambda s: _bar_counting(s) or "Index updated:" in s,
                          "the update bar with a count")
    assert _bar_counting(shown), f"the update ended with no progress shown:\n{shown}"
    term.send("C-r")
    term.wait_text("already running")
    term.type(QUESTION)
    term.send("Enter")
    # The answer comes while the update still runs.
    shown = term.wait_for(lambda s: ANSWER.search(s) or "Index updated:" in s,
                          "the answer or the end of the update")
    assert ANSWER.search(shown) and BAR.search(shown), shown
    assert "Index updated:" not in shown, shown
    shown = term.wait_text("Index updated: added")
    assert "added 4000" in shown, shown
    assert not BAR.search(shown)
    # The summary is in the chat; no toast covers the question box.
    assert INPUT_UNCOVERED.search(shown), shown


def test_80_by_24_keeps_the_title_and_the_help_key_and_help_says_how_to_close(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    built = run_cli("index", folder, "--index-dir", tmp_path / "index", "--model", "hash", "-q")
    assert built.returncode == 0, built.stderr
    term = Terminal(["chat", "--index-dir", tmp_path / "index"], cwd=tmp_path, size=(80, 24))
    try:
        shown = term.wait_for(lambda s: "passages" in s and "^q Quit" in s,
                              "the header's counts and the footer")
        lines = shown.splitlines()
        footer = next(ln for ln in lines if "^q Quit" in ln)
        assert "assistant — 1 articles · 13 passages · hash" in lines[0], shown
        assert "f1 Help" in footer, shown
        assert INPUT_UNCOVERED.search(shown), shown
        term.send("F1")
        term.wait_text("closes this help")
        term.send("Escape")
        term.wait_for(lambda s: "closes this help" not in s, "the help to close")
    finally:
        term.close()
