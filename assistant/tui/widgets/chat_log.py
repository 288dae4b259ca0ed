"""The scrolling chat: questions, answers and the app's own notes, and where
the view follows to as they come."""

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from assistant.tui.text import safe
from assistant.tui.widgets.answer_card import AnswerCard, PendingAnswer
from assistant.tui.widgets.index_offer import IndexOffer


class Note(Static):
    """A line from the app itself: an index summary, a new conversation, an error."""

    def __init__(self, text: str, kind: str = "info") -> None:
        super().__init__(Text(safe(text)), classes=f"note {kind}")


class ChatLog(VerticalScroll):
    """The chat's turns, oldest first."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        # Where the chat scrolls next (see follow): the widget at the top, the one just shown.
        self._follow_target: tuple[Widget | None, Widget | None] = (None, None)

    def note(self, text: str, kind: str) -> Note:
        note = Note(text, kind)
        self.mount(note)
        self.follow(shown=note)
        return note

    def answer_card(self, turn_id: int) -> AnswerCard | None:
        cards = self.query(f"#answer-{turn_id}")
        return cards.first(AnswerCard) if cards else None

    def pending(self, turn_id: int) -> PendingAnswer | None:
        pending = self.query(f"#pending-{turn_id}")
        return pending.first(PendingAnswer) if pending else None

    def replace_pending(self, turn_id: int, widget: Widget) -> None:
        """``widget`` takes the place of turn ``turn_id``'s pending answer."""
        old = self.pending(turn_id)
        question = None
        if old is not None:
            children = list(self.children)
            i = children.index(old)
            question = children[i - 1] if i > 0 else None
            self.mount(widget, after=old)
            old.remove()
        else:
            self.mount(widget)
        # Show the answer from its question down: citation [1] is what matters.
        self.follow(question or widget, widget)

    def clear_turns(self) -> None:
        """A clean view; answers still pending keep their place so they can land."""
        for widget in list(self.children):
            if not isinstance(widget, (PendingAnswer, IndexOffer)):
                widget.remove()

    def follow(self, top: Widget | None = None, shown: Widget | None = None) -> None:
        """Scroll, once ``shown`` (what was just added) has been laid out, to
        the end (no ``top``) or so that ``top`` is at the top. The latest call
        wins: an earlier scroll still waiting cannot undo it."""
        self._follow_target = (top, shown or top)
        self.call_after_refresh(self._apply_follow)

    def _apply_follow(self, tries: int = 20) -> None:
        top, shown = self._follow_target
        if not all(w is None or w.virtual_region.height for w in (top, shown)) and tries:
            self.call_after_refresh(self._apply_follow, tries - 1)  # not laid out yet
        elif top is None:
            self.scroll_end(animate=False, immediate=True)
        else:
            self.scroll_to_widget(top, top=True, animate=False, immediate=True)

    def top_visible(self) -> Widget | None:
        """The first child whose bottom is below the top of the view."""
        top = self.scroll_offset.y
        for child in self.children:
            if child.virtual_region.bottom > top:
                return child
        return None

    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y
