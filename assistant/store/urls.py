"""Index locations as they may be shown: which store a location names, and its
secrets taken out of anything printed."""

import os

from assistant.text.masking import mask

URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str | None) -> bool:
    return bool(location) and location.lower().startswith(URL_SCHEMES)  # type: ignore[union-attr]


def redact(location: str) -> str:
    """The location as it may be shown: a URL without its password."""
    return mask(location)


def secrets_of(location: str) -> list[str]:
    """The passwords in a URL and in PGPASSWORD: text that must never be shown."""
    from urllib.parse import parse_qsl, urlsplit

    found = []
    try:
        parts = urlsplit(location)
        found += [parts.password or ""]
        found += [v for k, v in parse_qsl(parts.query) if "pass" in k.lower()]
    except ValueError:
        pass
    found.append(os.environ.get("PGPASSWORD", ""))
    return [s for s in found if s]


def scrub(text: str, location: str) -> str:
    """``text`` (an error message) with the location's secrets taken out."""
    return mask(text.replace(location, redact(location)), secrets_of(location))
