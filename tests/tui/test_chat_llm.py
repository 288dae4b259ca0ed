"""The chat with an LLM (a scripted local server): the answer streams, then shows
checked; Escape cancels and keeps the extractive answer; t translates a citation."""

import json

import pytest

from assistant.llm.config import LLMConfig
from assistant.tui.widgets import AnswerCard, CitationCard, GeneratedView

from helpers.common import TROOPS
from helpers.llm_server import chunk, serve, stream
from helpers.tui import SIZE, TROOPS_QUESTION, ask, corpus, make_app, service, settle


@pytest.fixture
def server():
    httpd, state = serve()
    yield state
    state.release.set()
    httpd.shutdown()


def chat_app(tmp_path, server):
    svc = service(tmp_path / "ix", build_from=corpus(tmp_path))
    svc.llm = LLMConfig(url=server.url, first_token_timeout=20, total_timeout=60)
    return make_app(svc)


def plain(widget) -> str:
    return widget.content.plain


async def test_the_answer_streams_then_shows_checked(tmp_path, server):
    server.script(stream("Korea Utara mengirim 12.000 tentara [1]. Perang usai pada 2020 [1]."))
    app = chat_app(tmp_path, server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, TROOPS_QUESTION)
        card = app.query_one(AnswerCard)
        view = card.query_one(GeneratedView)
        assert "checked" in view.classes
        text = plain(view)
        assert "Korea Utara mengirim 12.000 tentara. [1]" in text
        assert "Perang usai pada 2020. (unsupported: not in the cited passages: 2020)" in text
        assert TROOPS in plain(card.query_one(".answer-text"))  # the extractive answer stays
        assert card.query(CitationCard)


async def test_escape_cancels_generation_and_keeps_the_extractive_answer(tmp_path, server):
    server.script({"events": [chunk("Korea Utara")], "stall": True})
    app = chat_app(tmp_path, server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        box = app.query_one("#question")
        box.value = TROOPS_QUESTION
        await pilot.press("enter")
        for _ in range(2000):  # until the first token is on screen (the server then stalls)
            await pilot.pause()
            views = app.query(GeneratedView)
            if views and "Korea Utara" in plain(views.first()):
                break
        else:
            raise AssertionError("no token arrived")
        await pilot.press("escape")
        card = app.query_one(AnswerCard)
        assert "generation cancelled" in plain(card.query_one(GeneratedView))
        assert TROOPS in plain(card.query_one(".answer-text"))
        server.release.set()  # the stalled stream ends; its late result changes nothing
        await settle(pilot)
        assert "generation cancelled" in plain(card.query_one(GeneratedView))
        # and the chat goes on
        server.script(stream("Korea Utara mengirim 12.000 tentara [1]."))
        await ask(pilot, TROOPS_QUESTION)
        last = list(app.query(AnswerCard))[-1]
        assert "checked" in last.query_one(GeneratedView).classes


async def test_t_on_a_citation_shows_it_translated(tmp_path, server):
    server.script(stream("NOT FOUND"), stream("12,000 North Korean troops were sent to Kursk."))
    app = chat_app(tmp_path, server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "how many tentara Korea Utara were sent to Kursk?")
        first = app.query(CitationCard).first()
        first.focus()
        await pilot.press("t")
        await settle(pilot)
        assert "12,000 North Korean troops were sent to Kursk." in plain(first)
        assert "into English" in server.requests[-1]["body"]["messages"][0]["content"]


PINGS_AFTER_A_TOKEN = {"raw": [f"data: {json.dumps(chunk('Korea Utara'))}\n\n".encode()],
                       "repeat": b": ping\n\n", "every": 0.05, "seconds": 15}


async def _until_first_token(app, pilot) -> None:
    box = app.query_one("#question")
    box.value = TROOPS_QUESTION
    await pilot.press("enter")
    for _ in range(2000):  # until the first token is on screen (then only pings come)
        await pilot.pause()
        views = app.query(GeneratedView)
        if views and "Korea Utara" in plain(views.first()):
            return
    raise AssertionError("no token shown")


async def test_escape_ends_the_llm_request_itself(tmp_path, server):
    import asyncio

    server.script(PINGS_AFTER_A_TOKEN)
    app = chat_app(tmp_path, server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _until_first_token(app, pilot)
        await pilot.press("escape")
        assert await asyncio.to_thread(server.gone.acquire, True, 5)  # the connection closed


async def test_quit_ends_the_llm_request(tmp_path, server):
    import asyncio

    server.script(PINGS_AFTER_A_TOKEN)
    app = chat_app(tmp_path, server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _until_first_token(app, pilot)
        await pilot.press("ctrl+q")
    assert await asyncio.to_thread(server.gone.acquire, True, 5)
