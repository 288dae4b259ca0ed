"""Screenshots of the chat at a fixed size (pytest-textual-snapshot).

After a deliberate change of the look, regenerate with
``pytest tests/tui/test_chat_snapshots.py --snapshot-update`` and review the SVGs.
"""

import pytest

from helpers.tui import SIZE, TROOPS_QUESTION, ask, corpus, make_app, service, settle


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # article paths show relative to here: the same on every machine
    return make_app(service(tmp_path / "ix", build_from=corpus(tmp_path)))


async def _answered(pilot):
    await settle(pilot)
    await ask(pilot, TROOPS_QUESTION)


def test_main_screen_with_an_answer(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=_answered)


def test_article_view(snap_compare, app):
    async def open_first(pilot):
        await _answered(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_first)


def test_help_screen(snap_compare, app):
    async def help_(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=help_)
