"""The chat, driven with Textual's Pilot and a deterministic embedder."""

import asyncio

from assistant.app.service import IndexRequest
from assistant.tui.app import AssistantApp
from assistant.tui.screens import ArticleScreen, HelpScreen
from assistant.tui.widgets import (
    AnswerCard,
    ArticlesPanel,
    CitationCard,
    IndexOffer,
    Note,
    PendingAnswer,
    QuestionInput,
    QuestionView,
    UpdateBar,
)

from helpers.common import TROOPS, write
from helpers.tui import (
    MARKUP_QUESTION,
    SIZE,
    TROOPS_QUESTION,
    GatedEmbedder,
    ask,
    corpus,
    make_app,
    sample_chat,
    service,
    settle,
)


def plain(widget) -> str:
    return widget.content.plain


async def test_ask_shows_answer_and_citations(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        assert "articles" in app.sub_title  # the model loaded and the index is described
        await ask(pilot, TROOPS_QUESTION)
        card = app.query_one(AnswerCard)
        assert "not-found" not in card.classes
        cites = card.query(CitationCard)
        assert len(cites) == 5
        assert TROOPS in plain(cites.first())
        assert plain(cites.first()).startswith("[1] ")
        assert "¶3" in plain(cites.first()) and "KOMPAS.TV" in plain(cites.first())
        answer = plain(card.query_one(".answer-text"))
        assert TROOPS in answer and answer.endswith("[1]")
        assert not app.query(PendingAnswer)


async def test_question_typed_before_the_model_is_ready_is_answered(tmp_path):
    svc = service(tmp_path / "ix", build_from=corpus(tmp_path))
    app = make_app(svc)
    app.load_model = lambda: None  # hold the start-up load back: the model is "loading"
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one(QuestionInput)
        box.value = TROOPS_QUESTION
        await pilot.press("enter")
        await pilot.pause()
        assert "waiting for the model" in plain(app.query_one(PendingAnswer))
        del app.load_model  # back to the real worker
        app.load_model()
        await settle(pilot)
        assert TROOPS in plain(app.query_one(CitationCard))


async def test_empty_question_is_ignored(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        app.query_one(QuestionInput).value = "   "
        await pilot.press("enter")
        await settle(pilot)
        assert not app.query(QuestionView) and not app.query(AnswerCard)


async def test_open_citation_with_keys_and_go_back(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        await ask(pilot, TROOPS_QUESTION)
        await pilot.press("tab")  # from the box to citation [1]
        first = app.query(CitationCard).first()
        assert app.focused is first
        await pilot.press("down")
        assert app.focused is app.query(CitationCard)[1]
        await pilot.press("up", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        passage = screen.query_one("#cited-passage")
        assert TROOPS in plain(passage)
        sentence = [s for s in passage.content.spans if s.style == "bold underline"]
        assert sentence and TROOPS in plain(passage)[sentence[0].start:sentence[0].end]
        await pilot.pause()
        body = screen.query_one("#article-body")
        # The body scrolled down to the passage: it starts at the top of the view.
        assert body.scroll_offset.y > 0
        assert passage.virtual_region.y - passage.styles.margin.top == body.scroll_offset.y
        await pilot.press("escape")
        assert not isinstance(app.screen, ArticleScreen)
        assert app.query(AnswerCard)  # the conversation is still there


async def test_open_citation_with_the_mouse(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        await ask(pilot, TROOPS_QUESTION)
        await pilot.pause()
        assert await pilot.click(CitationCard)
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)


async def test_history_keys_walk_questions_kept_across_runs(tmp_path):
    svc = service(tmp_path / "ix", build_from=corpus(tmp_path))
    app = make_app(svc, history_dir=tmp_path / "ix")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "pertama tentara")
        await ask(pilot, "kedua pelabuhan")
    again = make_app(svc, history_dir=tmp_path / "ix")  # a new run reads the saved history
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        box = again.query_one(QuestionInput)
        await pilot.press(*"dra", "f", "t")
        await pilot.press("up")
        assert box.value == "kedua pelabuhan"
        await pilot.press("up")
        assert box.value == "pertama tentara"
        await pilot.press("up")  # stays on the oldest
        assert box.value == "pertama tentara"
        await pilot.press("down")
        assert box.value == "kedua pelabuhan"
        await pilot.press("down")  # past the newest: the unsent draft comes back
        assert box.value == "draft"


async def test_not_found_answer_looks_different(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        await ask(pilot, "how to fix a bicycle tyre")
        card = app.query_one(AnswerCard)
        assert "not-found" in card.classes
        assert card.border_title == "Not found"
        assert "do not seem to answer" in plain(card.query_one(".answer-text"))
        assert "(weak)" in plain(card.query(CitationCard).first())


async def test_index_update_shows_progress_while_the_ui_takes_input(tmp_path):
    folder = corpus(tmp_path)
    emb = GatedEmbedder()
    svc = service(tmp_path / "ix", embedder=emb)
    emb.entered.set()  # the first build runs straight through
    svc.index(IndexRequest([folder]))
    emb.entered.clear()
    for i in range(3):
        write(tmp_path / "articles" / f"new{i}.txt", f"Berita baru nomor {i} tentang banjir.\n")
    progress = []

    class Recording(AssistantApp):
        def on_index_progress(self, message):  # bubbled up from the chat screen, which shows it
            progress.append((message.phase, message.done, message.total))

    app = Recording(svc, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        assert await asyncio.to_thread(emb.entered.wait, 30)  # blocked inside the update
        await pilot.pause()
        bar = app.query_one(UpdateBar)
        assert bar.display
        assert "Updating index" in str(bar.query_one("#update-label").content)
        # The UI still takes input while the worker is busy.
        await pilot.press(*"banjir")
        assert app.query_one(QuestionInput).value == "banjir"
        emb.gate.set()
        await settle(pilot)
        assert not bar.display
        assert ("embed", 3, 3) in progress and progress[0][0] == "scan"
        notes = [plain(n) for n in app.query(Note)]
        assert any("Index updated: added 3" in n for n in notes)
        panel = app.query_one(ArticlesPanel)
        assert len(panel.articles) == 5  # the panel was refreshed


async def test_markup_in_articles_is_shown_literally(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        await ask(pilot, MARKUP_QUESTION)
        card = app.query(CitationCard).first()
        text = plain(card)
        assert "[bold red]INJECT[/]" in text and "[link=https://evil.example]klik[/link]" in text
        assert "\x1b" not in text and "\x07" not in text
        assert not any("red" in str(s.style) or "link" in str(s.style) for s in card.content.spans)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert "[bold red]INJECT[/]" in plain(app.screen.query_one("#cited-passage"))


async def test_follow_up_uses_the_previous_turn(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        alone = svc.ask("lalu ke mana?")  # on its own the follow-up finds the wrong passage
        assert TROOPS not in alone.citations[0].text
        await ask(pilot, TROOPS_QUESTION)
        await ask(pilot, "lalu ke mana?")
        card = app.query(AnswerCard).last()
        assert "follow-up of: " + TROOPS_QUESTION in plain(card.query_one(".context"))
        assert TROOPS in plain(card.query(CitationCard).first())
        answer = card.query_one(".answer-text").content
        spans = [answer.plain[s.start:s.end] for s in answer.spans if s.style == "bold reverse"]
        assert spans == ["Kursk"]
        await pilot.press("ctrl+l")  # a fresh conversation forgets the troops
        await ask(pilot, "lalu ke mana?")
        card = app.query(AnswerCard).last()
        assert not card.query(".context")
        assert TROOPS not in plain(card.query(CitationCard).first())


async def test_no_index_offers_to_build_and_a_question_accepts(tmp_path):
    folder = corpus(tmp_path)
    svc = service(tmp_path / "ix")
    app = make_app(svc, paths=[folder])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.query(IndexOffer)
        await ask(pilot, TROOPS_QUESTION)
        assert not app.query(IndexOffer)
        assert TROOPS in plain(app.query(CitationCard).first())
        assert svc.has_index()


async def test_articles_panel_filters_and_opens(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        panel = app.query_one(ArticlesPanel)
        assert not panel.display
        await pilot.press("f2")
        assert panel.display
        await pilot.press(*"markup")
        assert panel.query_one("#article-list").option_count == 1
        await pilot.press("down", "enter")  # into the list, choose the article
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("escape")
        await pilot.press("f2", "f2", "enter")  # Enter in the filter box opens the first match
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "[bold red]INJECT[/]" in plain(app.screen.query_one(".article-text"))


async def test_help_screen_and_quit(tmp_path):
    async with sample_chat(tmp_path) as (app, pilot, svc):
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_resize_keeps_working(tmp_path):
    async with sample_chat(tmp_path, size=(80, 24)) as (app, pilot, svc):
        await ask(pilot, TROOPS_QUESTION)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert TROOPS in plain(app.query(CitationCard).first())


async def test_command_palette_runs_the_index_update(tmp_path):
    folder = corpus(tmp_path)
    svc = service(tmp_path / "ix", build_from=folder)
    write(tmp_path / "articles" / "new.txt", "Berita baru tentang kereta cepat.\n")
    app = make_app(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Update index")
        from textual.widgets import OptionList

        for _ in range(200):  # the palette searches its commands in the background
            lists = app.screen.query(OptionList)
            if lists and lists.first().option_count:
                break
            await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        notes = [plain(n) for n in app.query(Note)]
        assert any("Index updated: added 1" in n for n in notes)
