"""The HTTP API of `assistant serve`: a shell over the one service, like cli/
and tui/. The core answers in typed results; this edge turns them into the
same JSON as `ask --json`, and our errors into HTTP statuses with the same
messages and exit codes (``{"error", "exit_code"}``), never a traceback.
"""

import asyncio
import hmac
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import __version__
from assistant.app.jobs import IndexJobs
from assistant.app.service import Assistant
from assistant.app.sessions import Conversations
from assistant.errors import AssistantError, ExitCode, NotFoundError, as_user_error
from assistant.present.schema import AskOutput
from assistant.query.options import MAX_K, MODES, Filters
from assistant.results import AskResult
from assistant.text.masking import mask
from assistant.text.normalize import from_outside, json_text

MAX_BODY_BYTES = 64 * 1024  # a question is cut at 2,000 characters anyway
MAX_JOB_WAIT_S = 60.0
MAX_STREAMS = 8  # /ask/stream generations at once, each on its own thread; more get 503

# Our exit codes as HTTP statuses: the client's fault, a conflict with a running
# update, or the server's state.
STATUS = {
    ExitCode.USAGE: 400, ExitCode.INPUT: 400,
    ExitCode.NO_INDEX: 503, ExitCode.MODEL_UNAVAILABLE: 503,
    ExitCode.INDEX_BUSY: 409, ExitCode.CONFIRM: 409,
    ExitCode.CORRUPT_INDEX: 500, ExitCode.MODEL_MISMATCH: 500, ExitCode.PERMISSION: 500,
    ExitCode.DISK_FULL: 507, ExitCode.INTERNAL: 500,
}


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json_text(data), status_code=status, media_type="application/json",
                    headers=headers)


def error_response(e: BaseException) -> Response:
    err = as_user_error(e)
    status = 404 if isinstance(err, NotFoundError) else STATUS.get(err.exit_code, 500)
    return _json({"error": mask(err.message), "exit_code": err.exit_code}, status)


# A body's text through the one sanitiser: a lone surrogate ("\ud800") is U+FFFD.
Text = Annotated[str, AfterValidator(from_outside)]


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


class IndexRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yes: bool = Field(False, description="confirm an update that removes over half the index")


class TokenCheck:
    """Every request carries ``Authorization: Bearer TOKEN`` (compared in
    constant time), or gets 401 before anything else runs."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = b"Bearer " + token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":  # (no websocket routes: those are closed unanswered)
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                refused = _json({"error": "missing or wrong token: send Authorization: Bearer "
                                          "TOKEN (the server's --token or ASSISTANT_TOKEN)",
                                 "exit_code": ExitCode.USAGE}, 401,
                                {"WWW-Authenticate": "Bearer"})
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Bodies over ``MAX_BODY_BYTES`` get 413: one announced longer is refused
    before it is read, one sent in chunks as soon as it grows past the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:  # the server holds the client to it
            if length.isdigit() and int(length) > MAX_BODY_BYTES:
                await _too_large()(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY_BYTES:
                await _too_large()(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # a disconnect, later
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)


def _too_large() -> Response:
    return _json({"error": f"request body over {MAX_BODY_BYTES} bytes",
                  "exit_code": ExitCode.USAGE}, 413)


class _Slot:
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


def _validation_message(e: RequestValidationError) -> str:
    parts = []
    for err in e.errors():
        where = ".".join(str(x) for x in err.get("loc", ())[1:]) or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(service: Assistant, token: str | None = None,
               max_streams: int = MAX_STREAMS) -> FastAPI:
    """The API over ``service``; with ``token``, every request must carry it."""
    chats = Conversations(service)
    jobs = IndexJobs(service)
    app = FastAPI(title="assistant", version=__version__,
                  description="Questions over your news articles, answered with cited passages. "
                              "Errors are {\"error\", \"exit_code\"}, the exit code being what "
                              "`assistant ask` would exit with.")
    app.add_middleware(BodyLimit)
    if token:  # added last: it runs first, so nothing is read without the token
        app.add_middleware(TokenCheck, token=token)

    @app.exception_handler(AssistantError)
    async def _ours(request: Request, e: AssistantError) -> Response:
        return error_response(e)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> Response:
        return _json({"error": _validation_message(e), "exit_code": ExitCode.USAGE}, 422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, e: HTTPException) -> Response:
        return _json({"error": e.detail, "exit_code": ExitCode.USAGE}, e.status_code, e.headers)

    @app.exception_handler(Exception)
    async def _bug(request: Request, e: Exception) -> Response:
        return error_response(e)

    @app.get("/health")
    def health() -> dict:
        """Whether the server is up, whether it has an index, and a running update."""
        running = jobs.running()
        return {"status": "ok", "version": __version__, "index": service.has_index(),
                "updating": running.id if running else None}

    @app.post("/ask", response_model=None, responses={200: {"model": AskOutput}})
    def ask(body: AskRequest) -> Response:
        """One question: exactly the JSON of `assistant ask --json` (with the
        checked generated answer when the server has an LLM)."""
        result = _answer(body)
        if service.llm is not None and result.citations:
            result = chats.generate(body.conversation, result)
        return _json(result.to_json())

    def _answer(body: AskRequest) -> AskResult:
        # Each request says its filters: none given is none, in a conversation too.
        filters = Filters.parse(body.source, body.since, body.until)
        return chats.ask(body.conversation, body.question, k=body.k, mode=body.mode,
                         rerank=body.rerank, filters=filters)

    def answered(body: AskRequest) -> tuple[AskRequest, AskResult]:
        # A dependency: a bad question is an error status before the stream starts.
        return body, _answer(body)

    slots = threading.BoundedSemaphore(max_streams)

    def stream_slot() -> Iterator[_Slot]:
        # Streams never run on the request thread pool, so /health and /ask
        # never wait on them; a full stream pool is a clear 503 at once.
        if not slots.acquire(blocking=False):
            raise HTTPException(503, f"all {max_streams} answer streams are busy; try again "
                                     "shortly, or ask /ask")
        slot = _Slot(slots)
        try:
            yield slot
        finally:
            slot.release_unless_taken()

    @app.post("/ask/stream", response_class=EventSourceResponse)
    async def ask_stream(asked: Annotated[tuple[AskRequest, AskResult], Depends(answered)],
                         slot: Annotated[_Slot, Depends(stream_slot)]
                         ) -> AsyncIterator[ServerSentEvent]:
        """Server-sent events: `result` (the JSON of /ask without the generated
        answer), then with an LLM `token` events ({"text"}) as it writes and
        `generated` (the JSON with the checked answer), or `error`. A client
        that goes away ends its generation. 503 when all streams are busy."""
        body, result = asked
        yield ServerSentEvent(data=result.to_json(), event="result")
        if service.llm is None or not result.citations:
            return
        loop = asyncio.get_running_loop()
        events: asyncio.Queue = asyncio.Queue()
        cancel = threading.Event()

        def put(kind: str, data: Any) -> None:
            loop.call_soon_threadsafe(events.put_nowait, (kind, data))

        def write() -> None:
            try:
                final = chats.generate(body.conversation, result, cancel=cancel,
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

    @app.get("/articles")
    def articles() -> list[dict]:
        """The indexed articles: id, title, source, date, path, passages."""
        return [a.to_json() for a in service.articles()]

    @app.get("/articles/{article_id:path}")
    def article(article_id: str) -> dict:
        """One article with its cleaned text."""
        found = service.article(article_id)
        if found is None:
            raise NotFoundError(f"no article '{article_id}' in the index")
        return found.to_json()

    @app.post("/index", status_code=202)
    def index(body: IndexRequest | None = None) -> dict:
        """Update the index from the folders it records, as a job (409 while
        another update runs). Questions are answered meanwhile."""
        return jobs.start(yes=bool(body and body.yes)).to_json()

    @app.get("/index/{job_id}")
    def index_job(job_id: str, wait: float = Query(0.0, ge=0.0, le=MAX_JOB_WAIT_S,
                                                   description="seconds to wait for the end")
                  ) -> dict:
        """An update's progress (phase, done, total), then its summary or error."""
        job = jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no update job '{job_id}'")
        if wait:
            job.finished.wait(wait)
        return job.to_json()

    return app
