"""What every request passes before a route: the token, and the body limit."""

import hmac

from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.responses import json_response
from assistant.api.routes.web import PAGE
from assistant.errors import ExitCode

MAX_BODY_BYTES = 64 * 1024  # a question is cut at 2,000 characters anyway


class TokenCheck:
    """Every request carries ``Authorization: Bearer TOKEN`` (compared in
    constant time), or gets 401 before anything else runs. The web page's own
    files (GET, ``routes/web.py``) hold no data and load without it: the page
    then asks for the token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = b"Bearer " + token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _page_file(scope):  # (no websocket routes)
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                refused = json_response({"error": "missing or wrong token: send Authorization: "
                                                  "Bearer TOKEN (the server's --token or "
                                                  "ASSISTANT_TOKEN)",
                                         "exit_code": ExitCode.USAGE}, 401,
                                        {"WWW-Authenticate": "Bearer"})
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _page_file(scope: Scope) -> bool:
    return scope["method"] in ("GET", "HEAD") and scope["path"] in PAGE


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
    return json_response({"error": f"request body over {MAX_BODY_BYTES} bytes",
                          "exit_code": ExitCode.USAGE}, 413)
