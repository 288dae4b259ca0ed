"""No index yet: the offer to build one."""

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from assistant.tui.text import safe


class IndexOffer(Vertical):
    """No index yet: offers to build one (asking a question accepts the offer too)."""

    @dataclass
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
