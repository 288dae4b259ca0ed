"""The HTTP API of `assistant serve`: a shell over the one service, like cli/
and tui/. The core answers in typed results; the routes (``api/routes/``)
turn them into the same JSON as `ask --json`, and the handlers here our
errors into HTTP statuses with the same messages and exit codes
(``{"error", "exit_code"}``, see ``api/responses.py``), never a traceback.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from assistant import __version__
from assistant.api.middleware import BodyLimit, TokenCheck
from assistant.api.responses import error_response, json_response, validation_message
from assistant.api.routes import articles, ask, health, index, openai, web
from assistant.api.state import ApiState
from assistant.app.service import Assistant
from assistant.errors import AssistantError, ExitCode

MAX_STREAMS = 8  # /ask/stream generations at once, each on its own thread; more get 503


class Mounted(Protocol):
    """Routes of another shell served beside the API (the MCP server's
    streamable HTTP, built by the command that starts the server: the API
    never imports a sibling shell), and what they need running meanwhile."""

    routes: list[BaseRoute]

    def lifespan(self) -> AbstractAsyncContextManager[None]: ...


def create_app(service: Assistant, token: str | None = None,
               max_streams: int = MAX_STREAMS, mounted: Sequence[Mounted] = ()) -> FastAPI:
    """The API over ``service``; with ``token``, every request must carry it
    (the ``mounted`` routes too)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for m in mounted:
                await stack.enter_async_context(m.lifespan())
            yield

    app = FastAPI(title="assistant", version=__version__, lifespan=lifespan,
                  description="Questions over your news articles, answered with cited passages. "
                              "Errors are {\"error\", \"exit_code\"}, the exit code being what "
                              "`assistant ask` would exit with.")
    app.state.api = ApiState(service, max_streams)
    app.add_middleware(BodyLimit)
    if token:  # added last: it runs first, so nothing is read without the token
        app.add_middleware(TokenCheck, token=token)
    _add_error_handlers(app)
    for routes in (health, ask, articles, index, openai):
        app.include_router(routes.router)
    app.include_router(web.router)  # GET /: the page to ask from in a browser
    for m in mounted:
        app.router.routes.extend(m.routes)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def _ours(request: Request, e: AssistantError) -> Response:
        return error_response(e)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> Response:
        return json_response({"error": validation_message(e), "exit_code": ExitCode.USAGE}, 422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, e: HTTPException) -> Response:
        return json_response({"error": e.detail, "exit_code": ExitCode.USAGE}, e.status_code,
                             e.headers)

    @app.exception_handler(Exception)
    async def _bug(request: Request, e: Exception) -> Response:
        return error_response(e)
