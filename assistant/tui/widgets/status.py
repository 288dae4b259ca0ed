"""How an index update is going: the bar under the chat and its words."""

import time
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from assistant.progress import LABELS, Phase


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

    def __init__(self, **kwargs: Any) -> None:
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
