"""GET /: the page to ask from in a browser. Plain HTML, CSS and one small
script, read from the package (``assistant/api/web/``): no build step, nothing
fetched from elsewhere, and a Content-Security-Policy that lets the page load
only what this server sends. The page holds no data, so it loads without the
token (``PAGE`` is open in ``api/middleware.py``); it asks for the token when
the API answers 401."""

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from assistant.errors import NotFoundError

router = APIRouter()

# path -> (file in assistant/api/web/, media type)
PAGE = {"/": ("index.html", "text/html; charset=utf-8"),
        "/web/app.css": ("app.css", "text/css; charset=utf-8"),
        "/web/app.js": ("app.js", "text/javascript; charset=utf-8"),
        "/web/icon.svg": ("icon.svg", "image/svg+xml")}

CSP = ("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
       "object-src 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


@cache
def _read(name: str) -> bytes:
    return (resources.files("assistant.api") / "web" / name).read_bytes()


def _serve(path: str) -> Response:
    name, media_type = PAGE[path]
    return Response(_read(name), media_type=media_type, headers=HEADERS)


@router.get("/", include_in_schema=False)
def page() -> Response:
    return _serve("/")


@router.get("/web/{name}", include_in_schema=False)
def asset(name: str) -> Response:
    path = f"/web/{name}"
    if path not in PAGE:
        raise NotFoundError(f"no file '{name}' in the page")
    return _serve(path)
