"""What the routes share, kept on ``app.state`` (no module global: two apps in
one process, as the tests make, each have their own), and the dependencies
that hand it to a route."""

import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from pydantic import AfterValidator

from assistant.app.jobs import IndexJobs
from assistant.app.service import Assistant
from assistant.app.sessions import Conversations
from assistant.text.normalize import from_outside

# A body's text through the one sanitiser: a lone surrogate ("\ud800") is U+FFFD.
Text = Annotated[str, AfterValidator(from_outside)]


class StreamSlot:
    """One place in the stream pool, released once: by the generation thread
    that took it, else when the request ends."""

    def __init__(self, pool: threading.BoundedSemaphore) -> None:
        self._pool, self._lock = pool, threading.Lock()
        self._taken = self._released = False

    def take(self) -> None:
        self._taken = True

    def release(self) -> None:
        with self._lock:
            if not self._released:
                self._released = True
                self._pool.release()

    def release_unless_taken(self) -> None:
        if not self._taken:
            self.release()


@dataclass
class ApiState:
    """The service, its conversations and update jobs, and the stream pool."""

    service: Assistant
    max_streams: int
    chats: Conversations = field(init=False)
    jobs: IndexJobs = field(init=False)
    streams: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self.chats = Conversations(self.service)
        self.jobs = IndexJobs(self.service)
        self.streams = threading.BoundedSemaphore(self.max_streams)

    def stream_slot(self) -> StreamSlot | None:
        """A place in the stream pool, or None at once when all are taken."""
        if not self.streams.acquire(blocking=False):
            return None
        return StreamSlot(self.streams)


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def service(state: Annotated[ApiState, Depends(api_state)]) -> Assistant:
    return state.service


State = Annotated[ApiState, Depends(api_state)]
Service = Annotated[Assistant, Depends(service)]
