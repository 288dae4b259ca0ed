"""A cited passage: open its article, copy its answer, translate it."""

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from assistant.present.wording import citation_heading
from assistant.results import AskResult, Citation
from assistant.tui.text import highlighted
from assistant.tui.widgets.question_box import QuestionInput


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

    @dataclass
    class Open(Message):
        citation: Citation

    @dataclass
    class Translate(Message):
        card: "CitationCard"

    @dataclass
    class Copy(Message):
        result: AskResult  # the answer as shown now, a generated part included

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
        # The answer card that holds this one keeps the answer as shown now; read
        # by attribute, since the card imports this module.
        result = getattr(self.parent, "result", None)
        if isinstance(result, AskResult):
            self.post_message(self.Copy(result))

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
