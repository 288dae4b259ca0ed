"""Configuration from the environment (prefix ``ASSISTANT_``) and defaults.

A plain dataclass rather than pydantic-settings: it is read on every cold
``ask``, where importing pydantic would cost more than answering the question.
"""

import os
from dataclasses import dataclass, fields
from pathlib import Path

from assistant.errors import UsageError
from assistant.query.options import DEFAULT_MODE, check_k, check_mode, parse_rerank

ENV_PREFIX = "ASSISTANT_"


def find_sample_dir(setting: str | None = None) -> str | None:
    """The folder to build a first index from: the setting if given ("none" turns
    it off), else ``sample_articles/`` in the working directory, else beside the
    package (a source checkout)."""
    if setting:
        return None if setting.lower() == "none" else setting
    for candidate in (Path.cwd() / "sample_articles",
                      Path(__file__).resolve().parent.parent / "sample_articles"):
        if candidate.is_dir():
            return str(candidate)
    return None


@dataclass
class Settings:
    index_dir: str = "index"
    model: str | None = None  # None: the index's model, or the bundled e5-small for a new index
    device: str | None = None  # sentence-transformers device: cpu, cuda, mps
    k: int = 5
    mode: str = DEFAULT_MODE
    # Re-score this many top candidates by their best sentence (slower): "0" never,
    # "auto" the top 15 of a question in another language than the articles.
    rerank: str = "0"
    sample_dir: str | None = None  # where a first index comes from; "none" to disable

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        """Settings from ``ASSISTANT_*`` variables, then ``overrides`` (None: not
        given). A bad value is a usage error that names its variable."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            name = ENV_PREFIX + f.name.upper()
            raw = environ.get(name)
            if raw is not None and raw != "":
                try:
                    values[f.name] = _parse(f.name, raw)
                except UsageError as e:
                    raise UsageError(f"{name}={raw!r}: {e.message}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _parse(field: str, raw: str):
    """One setting from its text; bad values raise ``UsageError``."""
    if field == "k":
        try:
            return check_k(int(raw))
        except ValueError:
            raise UsageError("k must be a whole number") from None
    if field == "mode":
        return check_mode(raw)
    if field == "rerank":
        parse_rerank(raw)
    return raw
