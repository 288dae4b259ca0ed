"""The one masking rule for text that reaches a message: a URL's password (in
its user part or in a ``password=``/``token=`` parameter) and a secret
setting's value (an API key, a token) are shown as ``***``. Store URLs,
``--server`` and ``--llm`` URLs and config errors all go through here.

Light on purpose (no import beyond ``re``): every layer may use it."""

import re

HIDDEN = "***"
# Query parameters of a URL that hold a secret (libpq's password, tokens).
_SECRET_PARAM = re.compile(r"(?<=[?&])((?:ssl)?password|pass|secret|token|api_?key|key)=[^&#\s]*",
                           re.IGNORECASE)
# A URL inside a longer text: scheme://, up to a space or a quote.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]*")
# Setting names whose value is itself a secret: never shown, whatever its type.
_SECRET_NAME = re.compile(r"(api_?key|token|password|secret)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """One URL without its password (postgresql://me:secret@host/db ->
    postgresql://me:***@host/db); anything else is left as it is."""
    if "://" not in url:
        return url
    url = _SECRET_PARAM.sub(lambda m: m.group(1) + "=" + HIDDEN, url)
    scheme, rest = url.split("://", 1)
    netloc_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc = rest[:netloc_end]
    if "@" not in netloc:
        return url
    user, host = netloc.rsplit("@", 1)
    if ":" in user:
        user = user.split(":", 1)[0] + ":" + HIDDEN
    return f"{scheme}://{user}@{host}{rest[netloc_end:]}"


def mask(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """``text`` (a message) with every URL in it masked (``mask_url``) and each
    of ``secrets`` (passwords known from elsewhere) replaced by ``***``."""
    if "://" in text:
        text = _URL.sub(lambda m: mask_url(m.group(0)), text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return text


def mask_setting(name: str, value: object) -> object:
    """A setting's value as a message may show it: a secret setting's never
    (``api_key = ["sk-…"]`` of the wrong type included), a URL's password never."""
    if _SECRET_NAME.search(name):
        return HIDDEN
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, (list, tuple, dict)):
        return HIDDEN if mask(repr(value)) != repr(value) else value
    return value
