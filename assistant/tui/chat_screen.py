"""The chat: questions in order, their answers (the LLM's words streaming in
when there is one), the filter line, citations and the articles panel; index
updates and the folder watcher through ``IndexUpdates``.

Every piece of core work (answering, updating the index, reading an article)
runs in a thread worker that posts a message; handlers on the UI thread only
update widgets."""

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Header, Static

from assistant.app.history import QuestionHistory
from assistant.embedders import display_model_name
from assistant.errors import AssistantError
from assistant.present.transcript import turn_markdown
from assistant.progress import Phase
from assistant.query.options import NO_FILTERS, Filters
from assistant.results import Citation, IndexInfo
from assistant.tui.filter_line import FILTER_HELP, SUGGESTIONS, FilterCommand, parse_filter_line
from assistant.tui.messages import (
    Answered,
    ArticleFetched,
    ArticlesLoaded,
    Failed,
    FolderChanged,
    Generated,
    IndexDone,
    IndexProgress,
    IndexWaiting,
    ModelReady,
    Token,
    Translated,
    WatchArmed,
    WatchStopped,
    error_text,
)
from assistant.tui.questions import QuestionQueue
from assistant.tui.screens import ArticleScreen
from assistant.tui.text import safe
from assistant.tui.transcript_keeper import TranscriptKeeper
from assistant.tui.watcher import IndexUpdates, update_note, watched_note
from assistant.tui.widgets import (
    AnswerCard,
    ArticlesPanel,
    ChatLog,
    CitationCard,
    IndexOffer,
    Note,
    PendingAnswer,
    QuestionInput,
    QuestionView,
    UpdateBar,
)

if TYPE_CHECKING:
    from assistant.app.service import Assistant

PLACEHOLDER = "Ask about your articles, in any language (Enter asks, Tab: citations)"


class ChatScreen(Screen[None]):
    """``load_model``: starts loading the model, which posts ModelReady (or
    Failed "model") here; ``transcript`` keeps each turn as it ends."""

    def __init__(self, service: "Assistant", transcript: TranscriptKeeper,
                 load_model: Callable[[], object], paths: list[str] | None = None,
                 history: QuestionHistory | None = None, cursor_blink: bool = True,
                 watch: bool = False) -> None:
        super().__init__()
        self.service = service
        self.transcript = transcript
        self.load_model = load_model
        self.paths = list(paths or [])
        self.history = history if history is not None else QuestionHistory(None)
        self.conversation = service.conversation()
        self.cursor_blink = cursor_blink
        self.model_ready = False
        self.source: str | None = None  # where a missing index would be built from
        self.questions = QuestionQueue()
        self.filters: Filters = NO_FILTERS  # set by the filter line (/source, /since, ...)
        self._index_info: IndexInfo | None = None  # the index's info as last shown
        self.updates = IndexUpdates(service, self, self._update_started, watch=watch)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield ArticlesPanel(id="articles")
            yield ChatLog(id="chat")
        yield UpdateBar(id="update")
        yield Static(id="filters")
        # Typing "/" completes the filter line's commands (right arrow).
        yield QuestionInput(self.history, id="question", placeholder=PLACEHOLDER,
                            suggester=SuggestFromList(SUGGESTIONS, case_sensitive=False))
        yield Footer()

    @property
    def chat_log(self) -> ChatLog:
        return self.query_one(ChatLog)

    def on_mount(self) -> None:
        box = self.query_one(QuestionInput)
        box.cursor_blink = self.cursor_blink
        box.focus()
        self.query_one("#articles").display = False
        self.query_one("#update").display = False
        self.query_one("#filters").display = False
        self._start()

    def _start(self) -> None:
        try:
            has_index = self.service.has_index()
        except AssistantError as e:
            self.chat_log.note(e.message, "error")
            return
        if has_index:
            if self.paths:
                self.run_update(self.paths)  # it loads the model as it goes
            else:
                self.app.sub_title = "loading model…"
                self.load_model()
            self.load_articles()
            return
        self.source = self.paths[0] if self.paths else self.service.sample_dir()
        self.app.sub_title = "no index"
        self.chat_log.mount(IndexOffer(self.service.where(), self.source))

    def on_index_offer_accepted(self, message: IndexOffer.Accepted) -> None:
        self._build_offered()

    def _build_offered(self) -> bool:
        """Build the offered index; False when there is nothing to build it from."""
        if not self.source:
            return False
        for offer in self.query(IndexOffer):
            offer.remove()
        if not self.updates.updating:
            self.run_update(self.paths or [self.source])
        return True

    def end_chat(self) -> None:
        """The app is closing: end the LLM request (not just its display) and the watcher."""
        if self.questions.current is not None:
            self.questions.current.cancel.set()
        self.updates.stop()

    # -- workers (threads; they only post messages) ----------------------------------------

    @work(thread=True, group="articles")
    def load_articles(self) -> None:
        try:
            self.post_message(ArticlesLoaded(self.service.articles(), self.service.info()))
        except Exception as e:  # noqa: BLE001 - shown in the chat, not a crash
            self.post_message(Failed("articles", error_text(e)))

    @work(thread=True, group="ask")
    def _ask(self, turn_id: int, question: str, filters: Filters,
             cancel: threading.Event) -> None:
        try:
            result = self.conversation.ask(question, filters=filters)
        except Exception as e:  # noqa: BLE001
            self.post_message(Failed("ask", error_text(e), turn_id))
            return
        generating = self.service.llm is not None and bool(result.citations)
        self.post_message(Answered(turn_id, result, generating))
        if not generating:
            return
        try:
            result = self.conversation.generate(
                result, cancel=cancel, on_token=lambda t: self.post_message(Token(turn_id, t)))
        except Exception as e:  # noqa: BLE001 - the extractive answer is on screen already
            self.post_message(Failed("generate", error_text(e), turn_id))
            return
        self.post_message(Generated(turn_id, result))

    @work(thread=True, group="translate")
    def _translate(self, card_id: str, text: str, question: str) -> None:
        from assistant.llm.prompt import question_language

        try:
            self.post_message(Translated(card_id, self.service.translate(
                text, question_language(question))))
        except Exception as e:  # noqa: BLE001
            self.post_message(Translated(card_id, None, error_text(e)))

    @work(thread=True, group="article")
    def _fetch_article(self, article_id: str, citation: Citation | None) -> None:
        try:
            article = self.service.article(article_id)
        except Exception as e:  # noqa: BLE001
            self.post_message(Failed("article", error_text(e)))
            return
        self.post_message(ArticleFetched(article_id, article, citation))

    # -- asking ----------------------------------------------------------------------------

    @on(QuestionInput.Submitted, "#question")
    def _submitted(self, event: QuestionInput.Submitted) -> None:
        question = event.value.strip()
        box = self.query_one(QuestionInput)
        box.value = ""
        if not question:
            return
        box.remember(question)
        if question.startswith("/"):
            self._filter_line(question)
            return
        turn_id = self.questions.new_turn()
        self.transcript.asked(turn_id, question)
        chat = self.chat_log
        chat.mount(QuestionView(question))
        if self.query(IndexOffer) and not self._build_offered():
            note = Note("not answered: there is no index yet", "error")
            chat.mount(note)
            chat.follow(shown=note)
            return
        pending = PendingAnswer(turn_id, self._waiting_label())
        chat.mount(pending)
        chat.follow(shown=pending)
        self.questions.wait(turn_id, question, self.filters)
        self._next_question()

    def _waiting_label(self) -> str:
        """What a new question says while it waits for its turn."""
        if self.model_ready:
            return "searching…"
        if self.updates.updating:
            status = self.query_one(UpdateBar).status
            return f"waiting for the index: {status}" if status else "waiting for the index…"
        return "waiting for the model to load…"

    def _filter_line(self, line: str) -> None:
        """/source, /since, /until, /filter: set the filters of the next questions."""
        try:
            command = parse_filter_line(line, self.filters)
        except AssistantError as e:
            self.chat_log.note(f"{e.message}\n{FILTER_HELP}", "error")
            return
        if isinstance(command, FilterCommand) and command.filters is not None:
            self.filters = command.filters
            self._show_filters()
        self.chat_log.note(command.message(self.filters), "info")

    def _show_filters(self) -> None:
        bar = self.query_one("#filters", Static)
        bar.display = self.filters.active
        bar.update(f"Filter: {safe(self.filters.describe())} · /filter clear removes it")

    def _next_question(self) -> None:
        """Questions are answered one at a time, in order, once the model is ready."""
        asking = self.questions.take() if self.model_ready else None
        if asking is None:
            return
        pending = self.chat_log.pending(asking.turn_id)
        if pending is not None:
            pending.searching()
        self._ask(asking.turn_id, asking.question, asking.filters, asking.cancel)

    def on_answered(self, message: Answered) -> None:
        self.transcript.answered(message.turn_id, message.result)
        self.chat_log.replace_pending(message.turn_id, AnswerCard(
            message.result, message.generating, id=f"answer-{message.turn_id}"))
        if not message.generating:
            self._turn_done()

    def _turn_done(self) -> None:
        self.questions.done()
        self._next_question()

    def on_token(self, message: Token) -> None:
        card = self.chat_log.answer_card(message.turn_id)
        if card is not None and card.generating:
            card.append_token(message.text)

    def on_generated(self, message: Generated) -> None:
        if not self.questions.is_current(message.turn_id):
            return  # cancelled: the card already says so
        card = self.chat_log.answer_card(message.turn_id)
        if card is not None:
            card.show_generated(message.result)
        self.transcript.final(message.turn_id, message.result)
        self._turn_done()

    def can_cancel(self) -> bool:
        """An LLM answer is being written, and its card is on screen."""
        current = self.questions.current
        return current is not None and self.chat_log.answer_card(current.turn_id) is not None

    def action_cancel_generation(self) -> None:
        current = self.questions.current
        if current is None:
            return
        turn_id = current.turn_id
        current.cancel.set()  # the clock's watchdog closes the connection; the answer is ignored
        card = self.chat_log.answer_card(turn_id)
        if card is not None:
            card.stop_generating()
            self.transcript.final(turn_id, card.result)
        self._turn_done()

    def on_citation_card_translate(self, message: CitationCard.Translate) -> None:
        if self.service.llm is None:
            self.notify("Translation needs an LLM: start the chat with --llm URL.")
            return
        card = message.card
        if not card.id:
            card.id = f"citation-{id(card)}"
        self.notify("translating…")
        self._translate(card.id, card.citation.text, card.question)

    def on_translated(self, message: Translated) -> None:
        cards = self.query(f"#{message.card_id}")
        if message.text is None:
            self.notify(message.error or "translation failed", severity="error")
        elif cards:
            cards.first(CitationCard).show_translation(message.text)

    # -- model, articles, failures ---------------------------------------------------------

    def on_model_ready(self, message: ModelReady) -> None:
        self.model_ready = True
        self._show_info(message.info)
        self._next_question()
        self.updates.watch_roots(list(message.info.roots) if message.info else None)

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        self.query_one(ArticlesPanel).set_articles(message.articles)
        if self.model_ready:
            self._show_info(message.info)
        self.updates.watch_roots(list(message.info.roots), restart=True)

    def _show_info(self, info: IndexInfo | None = None) -> None:
        info = info or self._index_info
        if info:
            self._index_info = info
            model = display_model_name(info.model or "")
            watching = " · watching" if self.updates.watching else ""
            self.app.sub_title = (f"{info.articles} articles · {info.passages} passages · "
                                  f"{model}{watching}")

    def on_failed(self, message: Failed) -> None:
        if message.job == "ask" and message.turn_id is not None:
            self.transcript.failed(message.turn_id, message.message)
            self.chat_log.replace_pending(message.turn_id, Note(message.message, "error"))
            self._turn_done()
            return
        if message.job == "generate":
            self._turn_done()
        if message.job == "index":
            self._hide_update_bar()
            self.updates.finished()
            self.updates.next()
        if message.job == "model":
            self._model_failed()
        self.chat_log.note(message.message, "error")
        # User text (paths, ids) in a message is never markup: "[@click=app.quit]" stays text.
        self.notify(safe(message.message), title=f"{message.job} failed", severity="error",
                    markup=False)

    def _model_failed(self) -> None:
        self.app.sub_title = "model not loaded"
        # Questions waiting for the model cannot be answered now.
        for turn_id in self.questions.drop_waiting():
            self.chat_log.replace_pending(
                turn_id, Note("not answered: the model did not load", "error"))

    # -- index updates and the watcher -----------------------------------------------------

    def run_update(self, paths: list[str] | None) -> None:
        if not self.updates.start_update(paths):
            self.notify("An index update is already running.")

    def _update_started(self) -> None:
        bar = self.query_one(UpdateBar)
        bar.reset()
        bar.display = True
        bar.show(Phase.SCAN, 0, 0)
        if not self.model_ready:
            self.app.sub_title = "updating index…"

    def on_index_progress(self, message: IndexProgress) -> None:
        bar = self.query_one(UpdateBar)
        bar.show(message.phase, message.done, message.total)
        if not self.model_ready:  # questions wait for this update: say how far it is
            for pending in self.query(PendingAnswer):
                pending.waiting(f"waiting for the index: {bar.status}")

    def on_index_waiting(self, message: IndexWaiting) -> None:
        self.query_one(UpdateBar).waiting()

    def on_index_done(self, message: IndexDone) -> None:
        self._hide_update_bar()
        batch = self.updates.finished()
        if batch is None:
            # In the chat, not a toast: a toast would cover the input.
            self.chat_log.note(update_note(message.summary), "info")
            self.load_articles()
            if not self.model_ready:
                self.app.sub_title = "loading model…"
                self.load_model()
        elif (text := watched_note(batch, message.summary)) is not None:
            self.chat_log.note(text, "info")
            self.load_articles()
        self.updates.next()

    def _hide_update_bar(self) -> None:
        self.query_one(UpdateBar).display = False

    def on_watch_armed(self, message: WatchArmed) -> None:
        self.updates.armed()
        if self.model_ready:
            self._show_info()

    def on_watch_stopped(self, message: WatchStopped) -> None:
        if self.updates.stopped(message.error):
            self.chat_log.note(f"Stopped watching the folders: {message.error}", "error")
            if self.model_ready:
                self._show_info()

    def on_folder_changed(self, message: FolderChanged) -> None:
        self.updates.changed(message.batch)

    def action_toggle_watch(self) -> None:
        notice = self.updates.toggle()
        if not self.updates.enabled and self.model_ready:
            self._show_info()
        self.notify(notice)

    def action_update_index(self) -> None:
        self.run_update(None)

    # -- citations and articles -------------------------------------------------------------

    def on_citation_card_open(self, message: CitationCard.Open) -> None:
        self._fetch_article(message.citation.article.id, message.citation)

    def on_articles_panel_open_article(self, message: ArticlesPanel.OpenArticle) -> None:
        self._fetch_article(message.article_id, None)

    def on_article_fetched(self, message: ArticleFetched) -> None:
        if message.article is None:
            self.notify("That article is no longer in the index (run an update, ctrl+r).",
                        severity="warning")
            return
        self.app.push_screen(ArticleScreen(message.article, message.citation))

    def on_citation_card_copy(self, message: CitationCard.Copy) -> None:
        """The answer the citation belongs to, with all its citations, as Markdown."""
        result = message.result
        self.app.copy_to_clipboard(turn_markdown(result.question, result))
        self.notify(f"Copied the answer with its {len(result.citations)} citations.")

    def action_focus_citations(self) -> None:
        cards = self.chat_log.query(AnswerCard)
        citations = cards.last().query(CitationCard) if cards else None
        if citations:
            first = citations.first()
            first.focus()
            first.scroll_visible()
        else:
            self.focus_next()

    # -- the view ---------------------------------------------------------------------------

    def action_new_conversation(self) -> None:
        """A clean view; answers still pending keep their place so they can land."""
        self.conversation.reset()
        self.chat_log.clear_turns()
        self.chat_log.note("New conversation: follow-up questions start afresh.", "rule")
        self.query_one(QuestionInput).focus()

    def action_toggle_articles(self) -> None:
        panel = self.query_one(ArticlesPanel)
        chat = self.chat_log
        anchor = chat.top_visible()
        at_end = chat.at_end()
        panel.display = not panel.display
        # The chat's width changes and its text re-wraps: keep what was at the top
        # of the view there (or stay at the end), instead of jumping elsewhere.
        if at_end or anchor is None:
            chat.follow()
        else:
            chat.follow(anchor)
        if panel.display:
            panel.query_one("#article-filter").focus()
        else:
            self.query_one(QuestionInput).focus()

    def action_start_filter(self) -> None:
        box = self.query_one(QuestionInput)
        box.value = "/source "
        box.cursor_position = len(box.value)
        box.focus()
