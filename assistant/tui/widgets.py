"""Widgets of the chat. They show data and post messages; none does core work."""

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from assistant.history import QuestionHistory
from assistant.progress import LABELS, Phase
from assistant.results import AskResult, Citation
from assistant.tui.text import SPAN_STYLE, highlighted, safe
from assistant.wording import citation_heading


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


class QuestionInput(Input):
    """The question box. Up and down walk the question history."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
        # Not in the footer, which must fit 80 columns: the placeholder says it.
        Binding("tab", "app.focus_citations", "Citations", show=False),
    ]

    def __init__(self, history: QuestionHistory, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history = history
        self._pos: int | None = None  # index into history while walking it
        self._draft = ""

    def action_history(self, step: int) -> None:
        items = self.history.items
        if not items:
            return
        if self._pos is None:
            if step > 0:
                return
            self._draft = self.value
            pos = len(items) - 1
        else:
            pos = self._pos + step
        if pos < 0:
            pos = 0
        if pos >= len(items):
            self._pos = None
            self.value = self._draft
        else:
            self._pos = pos
            self.value = items[pos]
        self.cursor_position = len(self.value)

    def remember(self, question: str) -> None:
        self.history.add(question)
        self._pos = None
        self._draft = ""


class QuestionView(Static):
    def __init__(self, question: str) -> None:
        text = Text("You: ", style="bold")
        text.append(safe(question))
        super().__init__(text, classes="question")


class Note(Static):
    """A line from the app itself: an index summary, a new conversation, an error."""

    def __init__(self, text: str, kind: str = "info") -> None:
        super().__init__(Text(safe(text)), classes=f"note {kind}")


class PendingAnswer(Static):
    def __init__(self, turn_id: int, label: str) -> None:
        super().__init__(Text(label), classes="pending", id=f"pending-{turn_id}")

    def searching(self) -> None:
        self.update(Text("searching…"))

    def waiting(self, text: str) -> None:
        self.update(Text(text))


class CitationCard(Static, can_focus=True):
    """One cited passage. Enter or a click opens its article; c copies its
    answer with every citation; with an LLM, t shows it translated into the
    question's language."""

    BINDINGS = [
        Binding("enter,o", "open", "Open article"),
        Binding("c", "copy", "Copy answer"),
        Binding("t", "translate", "Translate"),
        Binding("down,j", "move(1)", "Next citation", show=False),
        Binding("up,k", "move(-1)", "Previous citation", show=False),
        Binding("escape,i", "back", "Back to question", show=False),
    ]

    class Open(Message):
        def __init__(self, citation: Citation) -> None:
            super().__init__()
            self.citation = citation

    class Translate(Message):
        def __init__(self, card: "CitationCard") -> None:
            super().__init__()
            self.card = card

    class Copy(Message):
        def __init__(self, result: AskResult) -> None:
            super().__init__()
            self.result = result  # the answer as shown now, a generated part included

    def __init__(self, citation: Citation, weak: bool, question: str = "") -> None:
        self.citation = citation
        self.question = question  # its translation is into this question's language
        self._weak = weak
        super().__init__(self._render_text(), classes="citation")

    def _render_text(self, translation: str | None = None) -> Text:
        c = self.citation
        tag = f"[{c.n}]" + (" (weak)" if self._weak else "")
        text = Text(f"{tag} ", style="bold")
        text.append(citation_heading(c), style="italic")
        text.append("\n")
        text.append_text(highlighted(c.text, c.sentence.start, c.sentence.end))
        if translation is not None:
            text.append("\n" + translation, style="italic")
        return text

    def show_translation(self, translation: str) -> None:
        self.update(self._render_text(translation))

    def action_translate(self) -> None:
        self.post_message(self.Translate(self))

    def action_open(self) -> None:
        self.post_message(self.Open(self.citation))

    def action_copy(self) -> None:
        card = self.parent
        if isinstance(card, AnswerCard):
            self.post_message(self.Copy(card.result))

    def on_click(self) -> None:
        self.action_open()

    def action_move(self, step: int) -> None:
        cards = list(self.screen.query(CitationCard))
        i = cards.index(self) + step
        if 0 <= i < len(cards):
            cards[i].focus()
            cards[i].scroll_visible()

    def action_back(self) -> None:
        self.screen.query_one(QuestionInput).focus()


class GeneratedView(Static):
    """The LLM's answer: its text as it streams, then each sentence checked —
    supported ones with their citations, unsupported ones marked and why."""

    def __init__(self) -> None:
        super().__init__(Text("writing an answer… (Escape cancels)", style="dim"),
                         classes="generated")
        self._streamed = ""

    def append(self, piece: str) -> None:
        self._streamed += piece
        self.update(Text(safe(self._streamed) + " …"))

    def show(self, result: AskResult) -> None:
        g = result.generated
        if g is None:
            self.display = False
            return
        if g.error:
            self.update(Text(f"No generated answer: {safe(g.error)}. The extractive answer "
                             "below stands.", style="dim"))
            return
        if g.refused:
            self.update(Text("The model found no answer in the passages.", style="dim"))
            return
        text = Text()
        for i, s in enumerate(g.sentences):
            if i:
                text.append(" ")
            if s.supported:
                text.append(safe(s.text))
                text.append(" " + "".join(f"[{c.n}]" for c in s.citations), style="bold")
            else:
                text.append(safe(s.text), style="strike dim")
                text.append(" (unsupported: " + safe("; ".join(s.issues)) + ")", style="red")
        if g.translation:
            text.append("\n" + safe(g.translation), style="italic")
        self.update(text)
        self.add_class("checked")


class AnswerCard(Vertical):
    """The answer sentence and its citations; a not-found answer looks different.
    ``generating``: an LLM is writing an answer in words above it."""

    def __init__(self, result: AskResult, generating: bool = False, id: str | None = None) -> None:
        found = result.found
        super().__init__(classes="answer" + ("" if found else " not-found"), id=id)
        self.result = result
        self.generating = generating
        self.border_title = "Answer" if found else "Not found"

    def append_token(self, piece: str) -> None:
        self.query_one(GeneratedView).append(piece)

    def show_generated(self, result: AskResult) -> None:
        """The checked answer replaces the stream; a refusal turns the card not-found."""
        self.result = result
        self.generating = False
        self.query_one(GeneratedView).show(result)
        if not result.found:
            self.add_class("not-found")
            self.border_title = "Not found"

    def compose(self) -> ComposeResult:
        r = self.result
        if self.generating:
            yield GeneratedView()
        if r.context:
            yield Static(Text("follow-up of: " + " / ".join(safe(c) for c in r.context)),
                         classes="context")
        if r.filters is not None and r.filters.active:
            yield Static(Text("only articles with " + safe(r.filters.describe())),
                         classes="context")
        if r.note:
            yield Static(Text("note: " + safe(r.note)), classes="context")
        if r.found and r.answer:
            ans = r.answer
            span = ans.span
            text = highlighted(ans.text, span.start if span else None, span.end if span else None,
                               SPAN_STYLE)
            text.append(f" [{ans.citation}]", style="bold")
            yield Static(text, classes="answer-text")
        elif r.citations:
            yield Static(Text("The indexed articles do not seem to answer this. "
                              "Nearest passages (weak matches):"), classes="answer-text")
        else:
            yield Static(Text("No passage matches this question."), classes="answer-text")
        for c in r.citations:
            yield CitationCard(c, weak=not r.found, question=r.question)


def eta_text(seconds: float) -> str:
    if seconds < 60:
        return f"about {max(1, round(seconds))} s left"
    return f"about {round(seconds / 60)} min left"


def progress_text(phase: str, done: int, total: int, elapsed: float, done_in_phase: int) -> str:
    """"embedding passages 120/570, about 20 s left": the left time from the
    rate of this phase so far, once there is a rate to go by."""
    text = f"{LABELS.get(phase, phase)} {done}/{total}"
    if phase == Phase.EMBED and 0 < done < total and done_in_phase > 0 and elapsed >= 0.5:
        text += ", " + eta_text(elapsed / done_in_phase * (total - done))
    return text


class UpdateBar(Horizontal):
    """Progress of an index update, shown while one runs."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.status = ""  # what the label says, for questions waiting on the update
        self._phase_start: tuple[str, float, int] | None = None  # phase, when, done then

    def compose(self) -> ComposeResult:
        yield Label("", id="update-label")
        yield ProgressBar(id="update-progress", show_eta=False)

    def show(self, phase: str, done: int, total: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if self._phase_start is None or self._phase_start[0] != phase:
            self._phase_start = (phase, now, done)
        _, since, done_then = self._phase_start
        self.status = progress_text(phase, done, total, now - since, done - done_then)
        self.query_one("#update-label", Label).update(f"Updating index: {self.status}")
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def reset(self) -> None:
        self._phase_start = None
        self.status = ""

    def waiting(self) -> None:
        self.status = "waiting for another update of this index"
        self.query_one("#update-label", Label).update(
            "Another update of this index is running; waiting for it…")


class ArticlesPanel(Vertical):
    """The indexed articles, with a filter box. Choosing one opens it."""

    BINDINGS = [Binding("down", "to_list", "Articles list", show=False)]

    class OpenArticle(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.articles: list[dict] = []
        self.border_title = "Articles"

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter articles…", id="article-filter")
        yield OptionList(id="article-list")

    def set_articles(self, articles: list[dict]) -> None:
        self.articles = articles
        self._refill()

    @on(Input.Changed, "#article-filter")
    def _filter_changed(self) -> None:
        self._refill()

    def _refill(self) -> None:
        needle = self.query_one("#article-filter", Input).value.strip().casefold()
        options = []
        for a in self.articles:
            title = safe(a.get("title")) or safe(a.get("id"))
            meta = " · ".join(x for x in (safe(a.get("source")), safe(a.get("date")),
                                          _count(a.get("passages", 0), "passage")) if x)
            if needle and needle not in f"{title} {meta}".casefold():
                continue
            prompt = Text(title, style="bold")
            prompt.append("\n" + meta, style="dim")
            options.append(Option(prompt, id=str(a["id"])))
        ol = self.query_one("#article-list", OptionList)
        ol.clear_options()
        ol.add_options(options)
        self.border_subtitle = f"{len(options)} of {len(self.articles)}"

    def action_to_list(self) -> None:
        ol = self.query_one("#article-list", OptionList)
        ol.focus()
        if ol.highlighted is None and ol.option_count:
            ol.highlighted = 0

    @on(Input.Submitted, "#article-filter")
    def _open_first(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one("#article-list", OptionList)
        if ol.option_count:
            option = ol.get_option_at_index(ol.highlighted or 0)
            if option.id is not None:
                self.post_message(self.OpenArticle(option.id))

    @on(OptionList.OptionSelected, "#article-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.OpenArticle(event.option.id))


class IndexOffer(Vertical):
    """No index yet: offers to build one (asking a question accepts the offer too)."""

    class Accepted(Message):
        pass

    def __init__(self, index_dir: str, source: str | None) -> None:
        super().__init__(id="index-offer")
        self.index_dir = index_dir
        self.source = source
        self.border_title = "No index yet"

    def compose(self) -> ComposeResult:
        if self.source:
            yield Static(Text(f"There is no index in {safe(self.index_dir)} yet. Build it from "
                              f"{safe(self.source)}? Asking a question builds it too."))
            yield Button("Build index", variant="primary", id="build-index")
        else:
            yield Static(Text(f"There is no index in {safe(self.index_dir)} and no articles to "
                              "build it from. Start with: assistant chat FOLDER, or run: "
                              "assistant index FOLDER"))

    @on(Button.Pressed, "#build-index")
    def _build(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Accepted())
