"""`assistant` with no command: a chat with your articles in the terminal.

The app wires the service to the chat screen (``ChatScreen``, which owns the
questions, the index updates and the watcher), keeps the transcript, loads
the model, and holds the keys that work on every screen. Every piece of core
work runs in a thread worker that posts a message; handlers on the UI thread
only update widgets.
"""

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from assistant.app.history import QuestionHistory
from assistant.present.transcript import Turn
from assistant.query.options import Filters
from assistant.text.normalize import printable as safe
from assistant.tui.chat_screen import ChatScreen
from assistant.tui.messages import Failed, ModelReady, error_text
from assistant.tui.screens import HelpScreen
from assistant.tui.transcript_keeper import TranscriptKeeper

if TYPE_CHECKING:
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings
    from assistant.llm.config import LLMConfig


class AssistantApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "assistant"
    # On the app, not the chat screen: they work, and the footer shows them, over
    # an article and the help too.
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

    def __init__(self, service: "Assistant", paths: list[str] | None = None,
                 history: QuestionHistory | None = None, cursor_blink: bool = True,
                 transcript_dir: str | None = None, transcript_file: str | None = None,
                 watch: bool = False) -> None:
        super().__init__()
        self.service = service
        self.transcripts = TranscriptKeeper(transcript_dir, transcript_file)
        # The chat is made when the app starts (get_default_screen), from these.
        self._chat_options: dict[str, Any] = dict(paths=paths, history=history,
                                                  cursor_blink=cursor_blink, watch=watch)
        self._chat_screen: ChatScreen | None = None

    def get_default_screen(self) -> Screen[Any]:
        # The chat is the bottom of the stack: an article or the help go over it.
        # ``load_model`` is looked up when called: a test may hold the start-up load back.
        self._chat_screen = ChatScreen(self.service, self.transcripts,
                                       lambda: self.load_model(), **self._chat_options)
        return self._chat_screen

    @property
    def chat(self) -> ChatScreen:
        if self._chat_screen is None:
            raise RuntimeError("the chat screen exists once the app runs")
        return self._chat_screen

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
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

    @work(thread=True, exclusive=True, group="model")
    def load_model(self) -> None:
        chat = self.chat
        try:
            self.service.load_model()
            info = self.service.info()
        except Exception as e:  # noqa: BLE001 - shown in the chat, not a crash
            chat.post_message(Failed("model", error_text(e)))
            return
        chat.post_message(ModelReady(info))

    def on_unmount(self) -> None:
        if self._chat_screen is not None:
            self._chat_screen.end_chat()
        try:
            self.transcripts.save()
        except OSError:
            pass  # a read-only index folder: the chat still closes cleanly

    # -- the keys ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_generation":  # otherwise the keys do what they did before
            return self._chat_screen is not None and self._chat_screen.can_cancel()
        return True

    def action_cancel_generation(self) -> None:
        self.chat.action_cancel_generation()

    def action_new_conversation(self) -> None:
        self.chat.action_new_conversation()

    def action_update_index(self) -> None:
        self.chat.action_update_index()

    def action_toggle_articles(self) -> None:
        self.chat.action_toggle_articles()

    def action_toggle_watch(self) -> None:
        self.chat.action_toggle_watch()

    def action_start_filter(self) -> None:
        self.chat.action_start_filter()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_save_transcript(self) -> None:
        try:
            path = self.transcripts.save()
        except OSError as e:
            self.notify(safe(f"The chat could not be saved: {e}"), severity="error", markup=False)
            return
        if path is None:
            self.notify("Nothing to save yet: ask a question first.")
        else:
            self.notify(safe(f"Chat saved to {path}"), title="Saved", markup=False)

    # -- the chat's state, as callers read it ----------------------------------------------

    @property
    def model_ready(self) -> bool:
        return self.chat.model_ready

    @property
    def filters(self) -> Filters:
        return self.chat.filters

    @property
    def watch_enabled(self) -> bool:
        return self.chat.updates.enabled

    @property
    def watching(self) -> bool:
        return self.chat.updates.watching

    @property
    def transcript(self) -> list[Turn]:
        return self.transcripts.turns

    @property
    def transcript_path(self) -> str | None:
        return self.transcripts.path

    @property
    def transcript_dir(self) -> str | None:
        return self.transcripts.directory

    @transcript_dir.setter
    def transcript_dir(self, directory: str | None) -> None:
        self.transcripts.directory = directory

    @property
    def transcript_file(self) -> str | None:
        return self.transcripts.file

    @transcript_file.setter
    def transcript_file(self, file: str | None) -> None:
        self.transcripts.file = file

    def save_transcript(self) -> str | None:
        """Write the transcript now; its path (None: nothing or nowhere to keep)."""
        return self.transcripts.save()


def run_app(settings: "Settings | None" = None, paths: list[str] | None = None,
            llm: "LLMConfig | None" = None, transcript: str | None = None) -> int:
    """The chat over ``settings`` (``assistant.app.settings.Settings``; None: from the
    environment and the config file); ``transcript``: the file the chat is
    written to on quit."""
    from assistant.app.service import Assistant

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
