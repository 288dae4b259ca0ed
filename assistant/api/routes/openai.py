"""An OpenAI-compatible face: GET /v1/models and POST /v1/chat/completions, so
chat clients (Open WebUI, the `llm` CLI, any OpenAI SDK) can ask the index.

The last user message is the question; the user messages before it are the
conversation it may follow up on (as in the chat). The reply's content is the
answer as Markdown with numbered footnotes for its citations, and a
``citations`` field carries the citations as in `ask --json`. Errors are
OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``."""

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from starlette.concurrency import run_in_threadpool

from assistant.api.responses import STATUS, json_response
from assistant.api.state import ApiState, State, StreamSlot, Text
from assistant.app.conversation import context_of
from assistant.errors import NotFoundError, as_user_error
from assistant.present.footnotes import (
    MarkerStream,
    answer_markdown,
    extractive_markdown,
    footnotes,
    generated_markdown,
    unsupported_notes,
)
from assistant.query.options import Filters
from assistant.results import AskResult
from assistant.text.masking import mask
from assistant.text.normalize import json_text

router = APIRouter(prefix="/v1")

MODEL_ID = "assistant"  # the index, as the one model this server offers


class Part(BaseModel):
    """A part of a message's content; only text parts are read."""

    model_config = ConfigDict(extra="allow")
    type: str
    text: Text | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls ...
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Text | list[Part] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI's chat request; its sampling options are accepted and ignored.
    Beyond it (``extra_body`` in the SDK): ``k``, ``mode`` and the filters of
    `ask` (``source``, ``since``, ``until``)."""

    model_config = ConfigDict(extra="allow")
    model: Text | None = None
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    k: StrictInt | None = None
    mode: Text | None = None
    source: Text | None = None
    since: Text | None = None
    until: Text | None = None


def openai_error(message: str, status: int = 400, param: str | None = None,
                 kind: str = "invalid_request_error") -> Response:
    return json_response({"error": {"message": mask(message), "type": kind, "param": param,
                                    "code": None}}, status)


def _error_of(e: BaseException) -> Response:
    err = as_user_error(e)
    status = 404 if isinstance(err, NotFoundError) else STATUS.get(err.exit_code, 500)
    kind = "invalid_request_error" if status < 500 else "server_error"
    return openai_error(err.message, status, kind=kind)


@router.get("/models")
def models() -> Response:
    """The index, as the one model to chat with."""
    return json_response({"object": "list", "data": [_model_card()]})


@router.get("/models/{model_id}")
def model(model_id: str) -> Response:
    if model_id != MODEL_ID:
        return openai_error(f"no model '{model_id}': this server offers '{MODEL_ID}'", 404,
                            "model")
    return json_response(_model_card())


def _model_card() -> dict[str, Any]:
    return {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "assistant"}


async def _parse(request: Request) -> ChatRequest | Response:
    """The body as a ChatRequest, or the OpenAI-style error that answers it."""
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return openai_error("the body is not JSON: send a chat completion request")
    try:
        body = ChatRequest.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ())) or "body"
        return openai_error(f"{where}: {first.get('msg', 'invalid')}", param=where)
    if body.messages[-1].role != "user" or not body.messages[-1].text().strip():
        return openai_error("the last message must be the user's question", param="messages")
    return body


def _asked(state: ApiState, body: ChatRequest) -> AskResult:
    questions = [m.text() for m in body.messages if m.role == "user"]
    filters = Filters.parse(body.source, body.since, body.until)
    return state.service.ask(questions[-1], k=body.k, mode=body.mode,
                             context=context_of(questions), filters=filters)


def _history(body: ChatRequest) -> list[tuple[str, str]]:
    """Earlier (question, answer) turns for the LLM, the footnotes taken out."""
    out, question = [], None
    for m in body.messages[:-1]:
        if m.role == "user":
            question = m.text()
        elif m.role == "assistant" and question is not None:
            answer = "\n".join(line for line in m.text().splitlines()
                               if not line.startswith("[^")).replace("[^", "[")
            out.append((question, answer.strip()))
            question = None
    return out


@router.post("/chat/completions", response_model=None)
async def chat_completions(request: Request, state: State) -> Response:
    """The answer to the last user message, at once or streamed (``stream``)."""
    body = await _parse(request)
    if isinstance(body, Response):
        return body
    slot = None
    if body.stream:  # the stream pool of /ask/stream: a full pool is 503 at once
        slot = state.stream_slot()
        if slot is None:
            return openai_error(f"all {state.max_streams} answer streams are busy; try again "
                                "shortly", 503, kind="server_error")
    try:
        result = await run_in_threadpool(_asked, state, body)
    except Exception as e:  # noqa: BLE001 - every failure is an OpenAI-style error
        if slot is not None:
            slot.release()
        return _error_of(e)
    reply = _Reply(body.model or MODEL_ID, result)
    if slot is not None:
        return StreamingResponse(_stream(state, body, reply, slot), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})
    if state.service.llm is not None and result.citations:
        try:
            result = await run_in_threadpool(
                lambda: state.service.generate(result, history=_history(body)))
        except Exception as e:  # noqa: BLE001
            return _error_of(e)
        reply.result = result
    return json_response(reply.completion())


class _Reply:
    """One answer in OpenAI's shapes: the completion, or its stream's chunks."""

    def __init__(self, model: str, result: AskResult) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model, self.result = model, result

    def _base(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}

    def completion(self) -> dict[str, Any]:
        message = {"role": "assistant", "content": answer_markdown(self.result)}
        return {**self._base("chat.completion"),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop",
                             "logprobs": None}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "citations": [c.to_json() for c in self.result.citations]}

    def chunk(self, delta: dict[str, Any], finish: str | None = None,
              **extra: Any) -> bytes:
        data = {**self._base("chat.completion.chunk"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                             "logprobs": None}], **extra}
        return f"data: {json_text(data)}\n\n".encode()


async def _stream(state: ApiState, body: ChatRequest, reply: _Reply,
                  slot: StreamSlot) -> AsyncIterator[bytes]:
    """The role and the citations first, then the answer, then its footnotes."""
    result = reply.result
    cancel = threading.Event()
    try:
        yield reply.chunk({"role": "assistant", "content": ""},
                          citations=[c.to_json() for c in result.citations])
        if state.service.llm is None or not result.citations:
            yield reply.chunk({"content": answer_markdown(result)})
        else:
            async for piece in _generated(state, body, result, slot, cancel):
                yield reply.chunk({"content": piece})
        yield reply.chunk({}, "stop")
        yield b"data: [DONE]\n\n"
    finally:
        cancel.set()  # the client went away: stop writing
        slot.release_unless_taken()


async def _generated(state: ApiState, body: ChatRequest, result: AskResult, slot: StreamSlot,
                     cancel: threading.Event) -> AsyncIterator[str]:
    """The LLM's words as it writes them (markers as footnote references), then
    what the check did not bear out, then the footnotes; the extractive answer
    where the LLM failed or found nothing."""
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def put(kind: str, data: Any) -> None:
        loop.call_soon_threadsafe(events.put_nowait, (kind, data))

    slot.take()
    threading.Thread(target=_write, args=(state, body, result, cancel, put, slot),
                     name="generate", daemon=True).start()
    markers = MarkerStream()
    while True:
        kind, data = await events.get()
        if kind == "token":
            if text := markers.feed(data):
                yield text
            continue
        yield markers.flush()
        final: AskResult = data if kind == "done" else result
        tail = [unsupported_notes(final)] if generated_markdown(final) else \
            ["", extractive_markdown(final)]
        yield "\n\n" + "\n\n".join(x for x in [*tail, footnotes(final)] if x)
        return


def _write(state: ApiState, body: ChatRequest, result: AskResult, cancel: threading.Event,
           put: Callable[[str, Any], None], slot: StreamSlot) -> None:
    try:
        final = state.service.generate(result, history=_history(body), cancel=cancel,
                                       on_token=lambda t: put("token", t))
        put("done", final)
    except Exception as e:  # noqa: BLE001 - the stream has begun: it ends with the extractive answer
        put("failed", as_user_error(e).message)
    finally:
        slot.release()
