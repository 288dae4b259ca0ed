"""The question box and a question as the chat shows it."""

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input, Static

from assistant.app.history import QuestionHistory
from assistant.tui.text import safe


class QuestionInput(Input):
    """The question box. Up and down walk the question history."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
        # Not in the footer, which must fit 80 columns: the placeholder says it.
        Binding("tab", "screen.focus_citations", "Citations", show=False),
    ]

    def __init__(self, history: QuestionHistory, **kwargs: Any) -> None:
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
