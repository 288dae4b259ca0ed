"""`assistant` with no command: a chat with your articles in the terminal.

Every piece of core work (loading the model, answering, updating the index,
reading an article) runs in a thread worker that posts a message; handlers on
the UI thread only update widgets.
"""

import os
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Header, Static

from assistant.embedders import display_model_name
from assistant.errors import AssistantError
from assistant.history import QuestionHistory
from assistant.progress import Phase
from assistant.query.options import NO_FILTERS, Filters
from assistant.results import Citation
from assistant.textutil import printable as safe
from assistant.transcript import Turn, default_transcript_path, turn_markdown, write_transcript
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
)
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
from assistant.wording import changed_files, index_changes, index_totals, skipped_file

PROGRESS_INTERVAL = 0.1  # seconds between progress messages within one phase


def _error_text(e: BaseException) -> str:
    if isinstance(e, AssistantError):
        return e.message
    return f"internal error: {type(e).__name__}: {e}"


class AssistantApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "assistant"
    BINDINGS = [
        # Help first: a narrow footer drops keys from its end.
        Binding("f1", "help", "Help", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+l", "new_conversation", "New chat", priority=True),
        Binding("ctrl+r", "update_index", "Update index", priority=True),
        Binding("f2", "toggle_articles", "Articles", priority=True),
        Binding("f3", "toggle_watch", "Watch folders", show=False, priority=True),
        # Not in the footer, which must fit 80 columns: F1 and the palette list it.
        Binding("ctrl+s", "save_transcript", "Save chat", show=False, priority=True),
        # Stops an LLM answer being written; the extractive answer stays.
        Binding("escape", "cancel_generation", "Stop answer", show=False),
        Binding("ctrl+c", "cancel_generation", "Stop answer", show=False, priority=True),
    ]

    def __init__(self, service, paths: list[str] | None = None,
                 history: QuestionHistory | None = None, cursor_blink: bool = True,
                 transcript_dir: str | None = None, transcript_file: str | None = None,
                 watch: bool = False) -> None:
        super().__init__()
        self.service = service
        self.paths = list(paths or [])
        self.history = history if history is not None else QuestionHistory(None)
        self.conversation = service.conversation()
        self.cursor_blink = cursor_blink
        self.model_ready = False
        self.updating = False
        self.source: str | None = None  # where a missing index would be built from
        # Questions not yet sent to a worker, with the filters they were asked under.
        self._pending: deque[tuple[int, str, Filters]] = deque()
        self.filters: Filters = NO_FILTERS  # set by the filter line (/source, /since, ...)
        self._asking = False
        self._turns = 0
        self._generating: tuple[int, threading.Event] | None = None  # turn and its cancel
        self._questions: dict[int, str] = {}  # turn id -> question, for the transcript
        self.transcript: list[Turn] = []
        self._transcript_turns: dict[int, int] = {}  # turn id -> its place in the transcript
        self.transcript_dir = transcript_dir  # a new file in it keeps the transcript on quit
        self.transcript_file = transcript_file  # or this file (--transcript FILE)
        self.transcript_path: str | None = None  # where it was written, once it was
        self.started = time.time()
        self._chat_view: tuple = (None, None)  # where the chat scrolls next (see _follow)
        # Watching the index's folders: on by default in `assistant chat` (F3,
        # --no-watch, ASSISTANT_WATCH=0); each settled change runs an update.
        self.watch_enabled = watch
        self.watching = False  # the watcher is armed
        self._watch_stop: threading.Event | None = None
        self._roots: list[str] = []  # the folders the index records
        self._watch_waiting: list = []  # batches that came during another update
        self._watch_update: Any = None  # the batch the running update is for
        self._info: dict | None = None  # the index's info as last shown

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield ArticlesPanel(id="articles")
            yield VerticalScroll(id="chat")
        yield UpdateBar(id="update")
        yield Static(id="filters")
        yield QuestionInput(self.history, id="question",
                            # Typing "/" completes the filter line's commands (right arrow).
                            suggester=SuggestFromList(SUGGESTIONS, case_sensitive=False),
                            placeholder="Ask about your articles, in any language (Enter asks, "
                                        "Tab: citations)")
        yield Footer()

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
            self._note(e.message, "error")
            return
        if has_index:
            if self.paths:
                self.run_update(self.paths)  # it loads the model as it goes
            else:
                self.sub_title = "loading model…"
                self.load_model()
            self.load_articles()
            return
        self.source = self.paths[0] if self.paths else self.service.sample_dir()
        self.sub_title = "no index"
        self.query_one("#chat").mount(IndexOffer(self.service.where(), self.source))

    def on_index_offer_accepted(self, message: IndexOffer.Accepted) -> None:
        self._build_offered()

    def _build_offered(self) -> bool:
        """Build the offered index; False when there is nothing to build it from."""
        if not self.source:
            return False
        for offer in self.query(IndexOffer):
            offer.remove()
        if not self.updating:
            self.run_update(self.paths or [self.source])
        return True

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("Update index", "Index new, changed and deleted articles (ctrl+r)",
                            self.action_update_index)
        yield SystemCommand("New conversation", "Forget earlier turns for follow-ups (ctrl+l)",
                            self.action_new_conversation)
        yield SystemCommand("Articles panel", "Show or hide the indexed articles (F2)",
                            self.action_toggle_articles)
        yield SystemCommand("Filter by source or date",
                            "Type /source NAME, /since DATE or /until DATE; /filter clear",
                            self.action_start_filter)
        yield SystemCommand("Watch folders", "Turn watching the index's folders on or off (F3)",
                            self.action_toggle_watch)
        yield SystemCommand("Save chat", "Write the conversation as Markdown, with every "
                            "citation (ctrl+s)", self.action_save_transcript)
        yield SystemCommand("Help", "Keys and how answers work (F1)", self.action_help)

    # -- workers (threads; they only post messages) ----------------------------------------

    @work(thread=True, exclusive=True, group="model")
    def load_model(self) -> None:
        try:
            self.service.load_model()
            info = self.service.info()
        except Exception as e:  # noqa: BLE001 - shown in the chat, not a crash
            self.post_message(Failed("model", _error_text(e)))
            return
        self.post_message(ModelReady(info))

    @work(thread=True, group="articles")
    def load_articles(self) -> None:
        try:
            self.post_message(ArticlesLoaded(self.service.articles(), self.service.info()))
        except Exception as e:  # noqa: BLE001
            self.post_message(Failed("articles", _error_text(e)))

    @work(thread=True, group="ask")
    def _ask(self, turn_id: int, question: str, filters: Filters,
             cancel: threading.Event) -> None:
        try:
            result = self.conversation.ask(question, filters=filters)
        except Exception as e:  # noqa: BLE001
            self.post_message(Failed("ask", _error_text(e), turn_id))
            return
        generating = self.service.llm is not None and bool(result.citations)
        self.post_message(Answered(turn_id, result, generating))
        if not generating:
            return
        try:
            result = self.conversation.generate(
                result, cancel=cancel, on_token=lambda t: self.post_message(Token(turn_id, t)))
        except Exception as e:  # noqa: BLE001 - the extractive answer is on screen already
            self.post_message(Failed("generate", _error_text(e), turn_id))
            return
        self.post_message(Generated(turn_id, result))

    @work(thread=True, group="translate")
    def _translate(self, card_id: str, text: str, question: str) -> None:
        from assistant.llm.prompt import question_language

        try:
            self.post_message(Translated(card_id, self.service.translate(
                text, question_language(question))))
        except Exception as e:  # noqa: BLE001
            self.post_message(Translated(card_id, None, _error_text(e)))

    @work(thread=True, exclusive=True, group="watch")
    def _watch(self, roots: list[str], stop: threading.Event) -> None:
        from assistant.watching import FolderWatch

        watch = FolderWatch(roots, ignore=[self.service.index_dir], stop=stop)

        def armed() -> None:
            self.post_message(WatchArmed(roots))

        try:
            for batch in watch.batches(on_armed=armed):
                self.post_message(FolderChanged(batch))
        except Exception as e:  # noqa: BLE001 - e.g. a watched folder removed
            self.post_message(WatchStopped(_error_text(e)))
            return
        self.post_message(WatchStopped())

    @work(thread=True, exclusive=True, group="index")
    def _update(self, paths: list[str] | None, hold: tuple[str, ...] = ()) -> None:
        last: dict[str, Any] = {"phase": None, "at": 0.0, "done": 0}

        def progress(phase: str, done: int, total: int) -> None:
            now = time.monotonic()
            # A phase's start, its first count, its end, and then a few a second.
            if (phase != last["phase"] or done >= total or last["done"] == 0
                    or now - last["at"] >= PROGRESS_INTERVAL):
                last.update(phase=phase, at=now, done=done)
                self.post_message(IndexProgress(phase, done, total))

        try:
            summary = self.service.index(paths or None, progress=progress, hold=hold,
                                         on_wait=lambda: self.post_message(IndexWaiting()))
        except Exception as e:  # noqa: BLE001
            self.post_message(Failed("index", _error_text(e)))
            return
        self.post_message(IndexDone(summary))

    @work(thread=True, group="article")
    def _fetch_article(self, article_id: str, citation: Citation | None) -> None:
        try:
            article = self.service.article(article_id)
        except Exception as e:  # noqa: BLE001
            self.post_message(Failed("article", _error_text(e)))
            return
        self.post_message(ArticleFetched(article_id, article, citation))

    # -- asking ----------------------------------------------------------------------------

    @on(QuestionInput.Submitted, "#question")
    def _submitted(self, event: QuestionInput.Submitted) -> None:
        question = event.value.strip()
        box = self.query_one(QuestionInput)
        if not question:
            box.value = ""
            return
        box.value = ""
        box.remember(question)
        if question.startswith("/"):
            self._filter_line(question)
            return
        self._turns += 1
        self._questions[self._turns] = question
        chat = self.query_one("#chat")
        chat.mount(QuestionView(question))
        if self.query(IndexOffer) and not self._build_offered():
            note = Note("not answered: there is no index yet", "error")
            chat.mount(note)
            self._follow(shown=note)
            return
        if self.model_ready:
            label = "searching…"
        elif self.updating:
            status = self.query_one(UpdateBar).status
            label = f"waiting for the index: {status}" if status else "waiting for the index…"
        else:
            label = "waiting for the model to load…"
        pending = PendingAnswer(self._turns, label)
        chat.mount(pending)
        self._follow(shown=pending)
        self._pending.append((self._turns, question, self.filters))
        self._next_question()

    def _filter_line(self, line: str) -> None:
        """/source, /since, /until, /filter: set the filters of the next questions."""
        try:
            command = parse_filter_line(line, self.filters)
        except AssistantError as e:
            self._note(f"{e.message}\n{FILTER_HELP}", "error")
            return
        if isinstance(command, FilterCommand) and command.filters is not None:
            self.filters = command.filters
            self._show_filters()
        self._note(command.message(self.filters), "info")

    def _show_filters(self) -> None:
        bar = self.query_one("#filters", Static)
        bar.display = self.filters.active
        bar.update(f"Filter: {safe(self.filters.describe())} · /filter clear removes it")

    def _next_question(self) -> None:
        """Questions are answered one at a time, in order, once the model is ready."""
        if not self.model_ready or self._asking or not self._pending:
            return
        turn_id, question, filters = self._pending.popleft()
        self._asking = True
        pending = self.query(f"#pending-{turn_id}")
        if pending:
            pending.first(PendingAnswer).searching()
        cancel = threading.Event()
        self._generating = (turn_id, cancel)
        self._ask(turn_id, question, filters, cancel)

    def on_answered(self, message: Answered) -> None:
        self._transcript_turns[message.turn_id] = len(self.transcript)
        self.transcript.append((self._questions.pop(message.turn_id, ""), message.result, None))
        self._replace_pending(message.turn_id, AnswerCard(message.result, message.generating,
                                                          id=f"answer-{message.turn_id}"))
        if not message.generating:
            self._turn_done()

    def _turn_done(self) -> None:
        self._asking = False
        self._generating = None
        self._next_question()

    def _card(self, turn_id: int) -> AnswerCard | None:
        cards = self.query(f"#answer-{turn_id}")
        return cards.first(AnswerCard) if cards else None

    def on_token(self, message: Token) -> None:
        card = self._card(message.turn_id)
        if card is not None and card.generating:
            card.append_token(message.text)

    def on_generated(self, message: Generated) -> None:
        if self._generating is None or self._generating[0] != message.turn_id:
            return  # cancelled: the card already says so
        card = self._card(message.turn_id)
        if card is not None:
            card.show_generated(message.result)
        self._keep_in_transcript(message.turn_id, message.result)
        self._turn_done()

    def _keep_in_transcript(self, turn_id: int, result) -> None:
        """The transcript keeps a turn's final answer (with its generated part)."""
        place = self._transcript_turns.get(turn_id)
        if place is not None:
            self.transcript[place] = (self.transcript[place][0], result, None)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "cancel_generation":  # otherwise the keys do what they did before
            return self._generating is not None and self._card(self._generating[0]) is not None
        return True

    def action_cancel_generation(self) -> None:
        if self._generating is None:
            return
        turn_id, cancel = self._generating
        cancel.set()  # the clock's watchdog closes the connection; the answer is ignored
        card = self._card(turn_id)
        if card is not None:
            import dataclasses

            from assistant.results import Generated as GeneratedAnswer

            stopped = GeneratedAnswer("", "", [], error="generation cancelled")
            card.show_generated(dataclasses.replace(card.result, generated=stopped))
            self._keep_in_transcript(turn_id, card.result)
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

    def _replace_pending(self, turn_id: int, widget) -> None:
        chat = self.query_one("#chat")
        pending = self.query(f"#pending-{turn_id}")
        question = None
        if pending:
            old = pending.first()
            children = list(chat.children)
            i = children.index(old)
            question = children[i - 1] if i > 0 else None
            chat.mount(widget, after=old)
            old.remove()
        else:
            chat.mount(widget)
        # Show the answer from its question down: citation [1] is what matters.
        self._follow(question or widget, widget)

    def _follow(self, top=None, shown=None) -> None:
        """Scroll the chat, once ``shown`` (what was just added) has been laid
        out, to its end (no ``top``) or so that ``top`` is at the top. The
        latest call wins: an earlier scroll still waiting cannot undo it."""
        self._chat_view = (top, shown or top)
        self.call_after_refresh(self._apply_follow)

    def _apply_follow(self, tries: int = 20) -> None:
        chat = self.query_one("#chat", VerticalScroll)
        top, shown = self._chat_view
        if not all(w is None or w.virtual_region.height for w in (top, shown)) and tries:
            self.call_after_refresh(self._apply_follow, tries - 1)  # not laid out yet
        elif top is None:
            chat.scroll_end(animate=False, immediate=True)
        else:
            chat.scroll_to_widget(top, top=True, animate=False, immediate=True)

    # -- model, articles, index ------------------------------------------------------------

    def on_model_ready(self, message: ModelReady) -> None:
        self.model_ready = True
        self._show_info(message.info)
        self._next_question()
        if message.info:
            self._roots = list(message.info.get("roots") or [])
        self._start_watching()

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        self.query_one(ArticlesPanel).set_articles(message.articles)
        if self.model_ready:
            self._show_info(message.info)
        roots = list(message.info.get("roots") or [])
        if roots != self._roots and self._watch_stop is not None:
            self._stop_watching()  # a folder was added (chat PATH): watch it too
        self._roots = roots
        self._start_watching()

    def _show_info(self, info: dict | None = None) -> None:
        info = info or self._info
        if info:
            self._info = info
            model = display_model_name(info["model"])
            watching = " · watching" if self.watching else ""
            self.sub_title = (f"{info['articles']} articles · {info['passages']} passages · "
                              f"{model}{watching}")

    def on_failed(self, message: Failed) -> None:
        if message.job == "ask" and message.turn_id is not None:
            self.transcript.append((self._questions.pop(message.turn_id, ""), None,
                                    message.message))
            self._replace_pending(message.turn_id, Note(message.message, "error"))
            self._turn_done()
            return
        if message.job == "generate":
            self._turn_done()
        if message.job == "index":
            self._hide_update_bar()
            self._watch_update = None
            self._watch_next()
        if message.job == "model":
            self.sub_title = "model not loaded"
            # Questions waiting for the model cannot be answered now.
            while self._pending:
                turn_id, _, _ = self._pending.popleft()
                self._replace_pending(turn_id, Note("not answered: the model did not load", "error"))
        self._note(message.message, "error")
        # User text (paths, ids) in a message is never markup: "[@click=app.quit]" stays text.
        self.notify(safe(message.message), title=f"{message.job} failed", severity="error",
                    markup=False)

    def run_update(self, paths: list[str] | None, hold: tuple[str, ...] = ()) -> None:
        if self.updating:
            self.notify("An index update is already running.")
            return
        self.updating = True
        bar = self.query_one(UpdateBar)
        bar.reset()
        bar.display = True
        bar.show(Phase.SCAN, 0, 0)
        if not self.model_ready:
            self.sub_title = "updating index…"
        self._update(paths, hold)

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
        s = message.summary
        batch, self._watch_update = self._watch_update, None
        if batch is not None:
            self._watched_update_done(batch, s)
            return
        text = (f"Index updated: {index_changes(s)}; now {index_totals(s)} "
                f"({s.seconds:.1f} s).")
        for item in s.skipped[:10]:
            text += f"\n  {skipped_file(item)}"
        if len(s.skipped) > 10:
            text += f"\n  … and {len(s.skipped) - 10} more skipped"
        self._note(text, "info")  # in the chat, not a toast: a toast would cover the input
        self.load_articles()
        if not self.model_ready:
            self.sub_title = "loading model…"
            self.load_model()
        self._watch_next()

    # -- watching the folders ---------------------------------------------------------------

    def _start_watching(self) -> None:
        roots = [r for r in self._roots if os.path.exists(r)]
        if not self.watch_enabled or self._watch_stop is not None or not roots:
            return
        self._watch_stop = threading.Event()
        self._watch(roots, self._watch_stop)

    def _stop_watching(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()  # the watcher ends within a second
            self._watch_stop = None
        self.watching = False
        self._watch_waiting.clear()

    def on_watch_armed(self, message: WatchArmed) -> None:
        self.watching = self._watch_stop is not None
        if self.model_ready:
            self._show_info()

    def on_watch_stopped(self, message: WatchStopped) -> None:
        if message.error:
            self._watch_stop = None
            self.watching = False
            self._note(f"Stopped watching the folders: {message.error}", "error")
            if self.model_ready:
                self._show_info()

    def on_folder_changed(self, message: FolderChanged) -> None:
        if self._watch_stop is None:
            return  # turned off since
        self._watch_waiting.append(message.batch)
        self._watch_next()

    def _watch_next(self) -> None:
        """One update for every change that came while another update ran."""
        if self.updating or not self._watch_waiting:
            return
        batches, self._watch_waiting = self._watch_waiting, []
        from assistant.watching import WatchBatch

        held = sorted(batches[-1].held)  # the latest word on what is still being written
        changed = sorted({p for b in batches for p in b.changed} - set(held))
        self._watch_update = WatchBatch(changed, held)
        self.run_update(None, tuple(held))

    def _watched_update_done(self, batch, summary) -> None:
        """A watched change applied: the note lists the files (nothing: no note)."""
        touched = set(summary.changes) | set(batch.changed)
        skipped = [item for item in summary.skipped if item["path"] in touched]
        if summary.changes or skipped:
            text = (f"Folder changed, index updated: {changed_files(summary)}; now "
                    f"{index_totals(summary)} ({summary.seconds:.1f} s).")
            for item in skipped[:10]:
                text += f"\n  {skipped_file(item)}"
            self._note(text, "info")
            self.load_articles()
        self._watch_next()

    def action_toggle_watch(self) -> None:
        if self.watch_enabled:
            self.watch_enabled = False
            self._stop_watching()
            if self.model_ready:
                self._show_info()
            self.notify("Not watching the folders now (F3 watches them again).")
            return
        self.watch_enabled = True
        self._start_watching()
        if self._watch_stop is None:
            self.notify("There is no folder to watch yet.")
        else:
            self.notify("Watching the folders: changes are indexed as they come (F3 stops).")

    def _hide_update_bar(self) -> None:
        self.updating = False
        self.query_one(UpdateBar).display = False

    def _note(self, text: str, kind: str) -> None:
        note = Note(text, kind)
        self.query_one("#chat").mount(note)
        self._follow(shown=note)

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
        self.push_screen(ArticleScreen(message.article, message.citation))

    # -- actions ----------------------------------------------------------------------------

    def on_unmount(self) -> None:
        if self._generating is not None:  # quitting ends the LLM request, not just its display
            self._generating[1].set()
        self._stop_watching()
        try:
            self.save_transcript()
        except OSError:
            pass  # a read-only index folder: the chat still closes cleanly

    def save_transcript(self) -> str | None:
        """Write the transcript (again, to the same file, as the chat goes on);
        its path, or None with nothing to keep or nowhere to keep it."""
        if not self.transcript:
            return None
        path = self.transcript_path or self.transcript_file or (
            self.transcript_dir and default_transcript_path(self.transcript_dir))
        if not path:
            return None
        self.transcript_path = write_transcript(path, self.transcript, self.started)
        return self.transcript_path

    def action_save_transcript(self) -> None:
        try:
            path = self.save_transcript()
        except OSError as e:
            self.notify(safe(f"The chat could not be saved: {e}"), severity="error", markup=False)
            return
        if path is None:
            self.notify("Nothing to save yet: ask a question first.")
        else:
            self.notify(safe(f"Chat saved to {path}"), title="Saved", markup=False)

    def on_citation_card_copy(self, message: CitationCard.Copy) -> None:
        """The answer the citation belongs to, with all its citations, as Markdown."""
        result = message.result
        self.copy_to_clipboard(turn_markdown(result.question, result))
        self.notify(f"Copied the answer with its {len(result.citations)} citations.")

    def action_update_index(self) -> None:
        self.run_update(None)

    def action_new_conversation(self) -> None:
        """A clean view; answers still pending keep their place so they can land."""
        self.conversation.reset()
        for widget in list(self.query_one("#chat").children):
            if not isinstance(widget, (PendingAnswer, IndexOffer)):
                widget.remove()
        self._note("New conversation: follow-up questions start afresh.", "rule")
        self.query_one(QuestionInput).focus()

    def action_toggle_articles(self) -> None:
        panel = self.query_one(ArticlesPanel)
        chat = self.query_one("#chat", VerticalScroll)
        anchor = _top_visible(chat)
        at_end = chat.scroll_y >= chat.max_scroll_y
        panel.display = not panel.display
        # The chat's width changes and its text re-wraps: keep what was at the top
        # of the view there (or stay at the end), instead of jumping elsewhere.
        if at_end or anchor is None:
            self._follow()
        else:
            self._follow(anchor)
        if panel.display:
            panel.query_one("#article-filter").focus()
        else:
            self.query_one(QuestionInput).focus()

    def action_start_filter(self) -> None:
        box = self.query_one(QuestionInput)
        box.value = "/source "
        box.cursor_position = len(box.value)
        box.focus()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_focus_citations(self) -> None:
        cards = self.query_one("#chat").query(AnswerCard)
        citations = cards.last().query(CitationCard) if cards else None
        if citations:
            first = citations.first()
            first.focus()
            first.scroll_visible()
        else:
            self.screen.focus_next()


def _top_visible(chat: VerticalScroll):
    """The first child of the chat whose bottom is below the top of the view."""
    top = chat.scroll_offset.y
    for child in chat.children:
        if child.virtual_region.bottom > top:
            return child
    return None


def run_app(settings=None, paths: list[str] | None = None, llm=None,
            transcript: str | None = None) -> int:
    """The chat over ``settings`` (``assistant.settings.Settings``; None: from the
    environment and the config file); ``transcript``: the file the chat is
    written to on quit."""
    from assistant.service import Assistant

    service = Assistant(settings, llm=llm)
    app = AssistantApp(service, paths=paths, history=QuestionHistory.in_dir(service.index_dir),
                       transcript_dir=service.index_dir, transcript_file=transcript,
                       watch=service.settings.watch)
    try:
        app.run()
    finally:
        service.close()
    if app.transcript_path:
        print(f"assistant: chat saved to {app.transcript_path}", file=sys.stderr)
    return app.return_code or 0
