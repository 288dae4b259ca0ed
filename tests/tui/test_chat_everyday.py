"""Chat details found in everyday use: a clean view on ctrl+l, F2 without a
jump, the transcript kept on quit, progress while a first index builds."""

import asyncio

from assistant.tui.screens import HELP
from assistant.tui.widgets import AnswerCard, CitationCard, Note, PendingAnswer, QuestionView, progress_text

from helpers.common import TROOPS, write
from helpers.tui import (
    SIZE,
    TROOPS_QUESTION,
    HeldAfterFirstBatch,
    ask,
    corpus,
    make_app,
    sample_chat,
    service,
    settle,
)


def plain(widget) -> str:
    return widget.content.plain


async def test_ctrl_l_clears_the_view(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        await ask(pilot, TROOPS_QUESTION)
        assert app.query(AnswerCard)
        await pilot.press("ctrl+l")
        await pilot.pause()
        chat = app.query_one("#chat")
        assert not chat.query(AnswerCard) and not chat.query(QuestionView)
        assert [plain(n) for n in chat.query(Note)] == [
            "New conversation: follow-up questions start afresh."]
        await ask(pilot, TROOPS_QUESTION)  # and the chat goes on
        assert len(chat.query(AnswerCard)) == 1


def test_help_says_how_to_close_it():
    assert "Escape, F1 or q closes this help" in HELP


def _top_of_view(chat):
    top = chat.scroll_offset.y
    return next(c for c in chat.children if c.virtual_region.bottom > top)


async def _still(pilot, chat, rounds: int = 50) -> None:
    """Wait until layout and scrolling are done: two frames with the same view."""
    last = None
    for _ in range(rounds):
        await pilot.pause()
        now = (chat.scroll_offset, chat.virtual_size)
        if now == last:
            return
        last = now


async def test_f2_keeps_the_chat_where_it_was(tmp_path):
    async with sample_chat(tmp_path, size=(100, 30)) as (app, pilot, svc):
        for _ in range(3):
            await ask(pilot, TROOPS_QUESTION)
        chat = app.query_one("#chat")
        last_question = list(chat.query(QuestionView))[-1]
        await _still(pilot, chat)
        assert _top_of_view(chat) is last_question  # an answer is shown from its question
        offset = chat.scroll_offset.y - last_question.virtual_region.y
        for _ in range(2):  # open, then close the panel
            await pilot.press("f2")
            await _still(pilot, chat)
            assert _top_of_view(chat) is last_question
            assert chat.scroll_offset.y - last_question.virtual_region.y == offset


async def test_transcript_is_saved_on_quit(tmp_path):
    svc = service(tmp_path / "ix", build_from=corpus(tmp_path))
    app = make_app(svc)
    app.transcript_dir = str(tmp_path / "ix")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, TROOPS_QUESTION)
        await ask(pilot, "resep roti pisang yang enak")
        await pilot.press("ctrl+q")
    saved = list((tmp_path / "ix" / "transcripts").glob("*.md"))
    assert len(saved) == 1 and app.transcript_path == str(saved[0])
    text = saved[0].read_text(encoding="utf-8")
    assert f"## {TROOPS_QUESTION}" in text and "**Answer:**" in text and TROOPS in text
    assert "## resep roti pisang yang enak" in text
    assert "[1] " in text and "kompastv-2024-11-14-china-korea-utara.txt" in text


async def test_no_transcript_without_a_question(tmp_path):
    svc = service(tmp_path / "ix", build_from=corpus(tmp_path))
    app = make_app(svc)
    app.transcript_dir = str(tmp_path / "ix")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
    assert not (tmp_path / "ix" / "transcripts").exists()


async def test_a_first_build_shows_its_progress_to_a_waiting_question(tmp_path):
    folder = corpus(tmp_path)
    for i in range(40):  # more than one batch of passages
        write(tmp_path / "articles" / f"extra{i}.txt", f"Berita nomor {i}\n\nHujan turun {i} kali.\n")
    emb = HeldAfterFirstBatch()
    app = make_app(service(tmp_path / "ix", embedder=emb), paths=[folder])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        try:
            await ask_without_settling(pilot, TROOPS_QUESTION)
            assert await asyncio.to_thread(emb.held.wait, 30)
            label = ""
            for _ in range(200):  # the progress message reaches the UI thread
                label = plain(app.query_one(PendingAnswer))
                if "embedding passages 32/" in label:
                    break
                await pilot.pause()
            assert label.startswith("waiting for the index: embedding passages 32/"), label
        finally:
            emb.release.set()
        await settle(pilot)
        assert TROOPS in plain(app.query(AnswerCard).last().query(CitationCard).first())


async def ask_without_settling(pilot, question):
    from assistant.tui.widgets import QuestionInput

    box = pilot.app.query_one(QuestionInput)
    box.focus()
    box.value = question
    await pilot.press("enter")


def test_progress_text_gives_the_time_left_from_the_rate_so_far():
    assert progress_text("embed", 100, 500, elapsed=10.0, done_in_phase=100) == \
        "embedding passages 100/500, about 40 s left"
    assert progress_text("embed", 100, 3100, 10.0, 100) == \
        "embedding passages 100/3100, about 5 min left"
    assert progress_text("embed", 0, 500, 10.0, 0) == "embedding passages 0/500"
    assert progress_text("scan", 5, 9, 10.0, 5) == "reading files 5/9"
