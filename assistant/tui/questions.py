"""The chat's questions: answered one at a time, in the order they were asked."""

import threading
from collections import deque
from dataclasses import dataclass, field

from assistant.query.options import Filters


@dataclass
class Asking:
    """The question being answered now; ``cancel`` stops its LLM answer."""

    turn_id: int
    question: str
    filters: Filters
    cancel: threading.Event = field(default_factory=threading.Event)


class QuestionQueue:
    """Turn ids, the questions waiting for their turn, and the one being answered."""

    def __init__(self) -> None:
        self.turns = 0  # the last turn id given
        self.waiting: deque[tuple[int, str, Filters]] = deque()  # with the filters asked under
        self.current: Asking | None = None

    def new_turn(self) -> int:
        self.turns += 1
        return self.turns

    def wait(self, turn_id: int, question: str, filters: Filters) -> None:
        self.waiting.append((turn_id, question, filters))

    def take(self) -> Asking | None:
        """The next question to answer; None while one is answered or none waits."""
        if self.current is not None or not self.waiting:
            return None
        self.current = Asking(*self.waiting.popleft())
        return self.current

    def done(self) -> None:
        self.current = None

    def is_current(self, turn_id: int) -> bool:
        return self.current is not None and self.current.turn_id == turn_id

    def drop_waiting(self) -> list[int]:
        """Forget the waiting questions (they cannot be answered); their turn ids."""
        dropped = [turn_id for turn_id, _, _ in self.waiting]
        self.waiting.clear()
        return dropped
