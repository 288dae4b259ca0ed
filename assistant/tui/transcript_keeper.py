"""The chat's transcript: each turn as it ends, written as Markdown on ctrl+s
and on quit (again, to the same file, as the chat goes on)."""

import time

from assistant.present.transcript import Turn, default_transcript_path, write_transcript
from assistant.results import AskResult


class TranscriptKeeper:
    """``directory``: a new file in it keeps the transcript; or ``file``
    (--transcript FILE). ``path``: where it was written, once it was."""

    def __init__(self, directory: str | None = None, file: str | None = None) -> None:
        self.directory = directory
        self.file = file
        self.path: str | None = None
        self.turns: list[Turn] = []
        self.started = time.time()
        self._questions: dict[int, str] = {}  # turn id -> question, until it is answered
        self._places: dict[int, int] = {}  # turn id -> its place in ``turns``

    def asked(self, turn_id: int, question: str) -> None:
        self._questions[turn_id] = question

    def answered(self, turn_id: int, result: AskResult) -> None:
        self._places[turn_id] = len(self.turns)
        self.turns.append((self._questions.pop(turn_id, ""), result, None))

    def failed(self, turn_id: int, error: str) -> None:
        self.turns.append((self._questions.pop(turn_id, ""), None, error))

    def final(self, turn_id: int, result: AskResult) -> None:
        """A turn's final answer (with its generated part) replaces the first one."""
        place = self._places.get(turn_id)
        if place is not None:
            self.turns[place] = (self.turns[place][0], result, None)

    def save(self) -> str | None:
        """Write the transcript; its path, or None with nothing to keep or
        nowhere to keep it. An unwritable place raises ``OSError``."""
        if not self.turns:
            return None
        path = self.path or self.file or (
            self.directory and default_transcript_path(self.directory))
        if not path:
            return None
        self.path = write_transcript(path, self.turns, self.started)
        return self.path
