"""POST /ask and POST /ask/stream: a question answered with the JSON of
`assistant ask --json`, at once or as server-sent events."""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from starlette.exceptions import HTTPException

from assistant.api.responses import json_response
from assistant.api.state import ApiState, State, StreamSlot, Text
from assistant.errors import as_user_error
from assistant.present.schema import AskOutput
from assistant.query.options import MAX_K, MODES, Filters
from assistant.results import AskResult

router = APIRouter()


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: Text = Field(description="cut at 2,000 characters, with a note, as by `ask`")
    k: StrictInt | None = Field(None, description=f"citations, 1 to {MAX_K} [default 5]")
    # Checked by the core, so a bad value gets our message (400), as from `ask`.
    mode: Text | None = Field(None, description=f"retrieval: {', '.join(MODES)} [default hybrid]")
    rerank: StrictInt | Text | None = Field(None, description="as `ask --rerank`: N or 'auto'")
    source: Text | None = Field(None, description="as `ask --source`: cite only this source")
    since: Text | None = Field(None, description="as `ask --since`: YYYY-MM-DD or 7d")
    until: Text | None = Field(None, description="as `ask --until`: YYYY-MM-DD or 7d")
    conversation: Text | None = Field(
        None, description="an id of the client's choosing: questions with the same id form a "
                          "conversation, so a follow-up is searched with the turns before it")


def _answer(state: ApiState, body: AskRequest) -> AskResult:
    # Each request says its filters: none given is none, in a conversation too.
    filters = Filters.parse(body.source, body.since, body.until)
    return state.chats.ask(body.conversation, body.question, k=body.k, mode=body.mode,
                           rerank=body.rerank, filters=filters)


@router.post("/ask", response_model=None, responses={200: {"model": AskOutput}})
def ask(body: AskRequest, state: State) -> Response:
    """One question: exactly the JSON of `assistant ask --json` (with the
    checked generated answer when the server has an LLM)."""
    result = _answer(state, body)
    if state.service.llm is not None and result.citations:
        result = state.chats.generate(body.conversation, result)
    return json_response(result.to_json())


def answered(body: AskRequest, state: State) -> tuple[AskRequest, AskResult]:
    # A dependency: a bad question is an error status before the stream starts.
    return body, _answer(state, body)


def stream_slot(state: State) -> Iterator[StreamSlot]:
    # Streams never run on the request thread pool, so /health and /ask
    # never wait on them; a full stream pool is a clear 503 at once.
    slot = state.stream_slot()
    if slot is None:
        raise HTTPException(503, f"all {state.max_streams} answer streams are busy; try again "
                                 "shortly, or ask /ask")
    try:
        yield slot
    finally:
        slot.release_unless_taken()


@router.post("/ask/stream", response_class=EventSourceResponse)
async def ask_stream(asked: Annotated[tuple[AskRequest, AskResult], Depends(answered)],
                     slot: Annotated[StreamSlot, Depends(stream_slot)],
                     state: State) -> AsyncIterator[ServerSentEvent]:
    """Server-sent events: `result` (the JSON of /ask without the generated
    answer), then with an LLM `token` events ({"text"}) as it writes and
    `generated` (the JSON with the checked answer), or `error`. A client
    that goes away ends its generation. 503 when all streams are busy."""
    body, result = asked
    yield ServerSentEvent(data=result.to_json(), event="result")
    if state.service.llm is None or not result.citations:
        return
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    cancel = threading.Event()

    def put(kind: str, data: Any) -> None:
        loop.call_soon_threadsafe(events.put_nowait, (kind, data))

    def write() -> None:
        try:
            final = state.chats.generate(body.conversation, result, cancel=cancel,
                                         on_token=lambda t: put("token", {"text": t}))
            put("generated", final.to_json())
        except Exception as e:  # noqa: BLE001 - sent as an event: the stream has begun
            err = as_user_error(e)
            put("error", {"error": err.message, "exit_code": err.exit_code})
        finally:
            slot.release()

    slot.take()
    threading.Thread(target=write, name="generate", daemon=True).start()
    try:
        while True:
            kind, data = await events.get()
            yield ServerSentEvent(data=data, event=kind)
            if kind != "token":
                return
    finally:
        cancel.set()  # the client went away (the await is cancelled): stop writing
