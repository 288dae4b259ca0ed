"""The chat watches its index's folders: a new file is indexed and listed in the
chat without ctrl+r; F3 and the setting turn it off."""

import time
from pathlib import Path

import pytest

from assistant.app.history import QuestionHistory
from assistant.app.settings import Settings
from assistant.app.watch import QUIET_S
from assistant.errors import UsageError
from assistant.tui.app import AssistantApp
from assistant.tui.widgets import AnswerCard, Note

from helpers.common import write
from helpers.tui import SIZE, ask, corpus, service, settle

QUAKE = "Gempa bermagnitudo 5,6 mengguncang Cianjur pada hari Senin siang.\n"
TIMEOUT_S = 120.0  # waits end when the condition holds; generous for a loaded machine


def plain(widget) -> str:
    return str(widget.render())


async def until(pilot, condition, timeout: float = TIMEOUT_S):
    """Let the app run until ``condition()`` is true (its value is returned)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        await pilot.pause(QUIET_S / 10)
    raise AssertionError("the condition never held")


def watch_workers(app) -> list:
    return [w for w in app.workers if w.group == "watch" and not w.is_finished]


def watching_app(tmp_path, watch: bool) -> tuple[AssistantApp, Path]:
    folder = Path(corpus(tmp_path))
    svc = service(tmp_path / "ix", build_from=str(folder))
    app = AssistantApp(svc, history=QuestionHistory(None), cursor_blink=False, watch=watch)
    return app, folder


async def test_the_chat_indexes_a_new_file_and_f3_stops_watching(tmp_path):
    app, folder = watching_app(tmp_path, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.watching)
        write(folder / "gempa.txt", QUAKE)
        note = await until(pilot, lambda: next(
            (plain(n) for n in app.query(Note) if "Folder changed" in plain(n)), None))
        assert "index updated: added" in note and "gempa.txt" in note
        await pilot.press("f3")
        assert not app.watching and not app.watch_enabled
        await until(pilot, lambda: not watch_workers(app))
        await settle(pilot)
        await ask(pilot, "gempa Cianjur Senin")
        card = app.query(AnswerCard).last()
        assert card.result.citations[0].article.path.endswith("gempa.txt")
        await pilot.press("f3")  # and on again
        await until(pilot, lambda: app.watching)


async def test_with_watching_off_no_watcher_runs(tmp_path):
    app, _ = watching_app(tmp_path, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # would never settle with a watcher running
        assert app.model_ready and not app.watching and not watch_workers(app)


def test_the_setting_turns_watching_off():
    assert Settings.from_env({}).watch is True
    assert Settings.from_env({"ASSISTANT_WATCH": "0"}).watch is False
    assert Settings.from_env({"ASSISTANT_WATCH": "0"}, watch=True).watch is True  # --watch wins
    with pytest.raises(UsageError, match="ASSISTANT_WATCH='maybe'"):
        Settings.from_env({"ASSISTANT_WATCH": "maybe"})


def test_the_config_file_turns_watching_off(tmp_path):
    config = write(tmp_path / "assistant.toml", "watch = false\n")
    assert Settings.from_env({}, config=str(config)).watch is False
    bad = write(tmp_path / "bad.toml", 'watch = "sometimes"\n')
    with pytest.raises(UsageError, match="watch"):
        Settings.from_env({}, config=str(bad))
