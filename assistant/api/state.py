"""What the routes share, kept on ``app.state`` (no module global: two apps in
one process, as the tests make, each have their own), and the dependencies
that hand it to a route."""

import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from assistant.app.jobs import IndexJobs
from assistant.app.service import Assistant
from assistant.app.sessions import Conversations


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


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def service(state: Annotated[ApiState, Depends(api_state)]) -> Assistant:
    return state.service


State = Annotated[ApiState, Depends(api_state)]
Service = Annotated[Assistant, Depends(service)]
