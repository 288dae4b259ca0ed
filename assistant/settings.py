"""Configuration from the environment (prefix ``ASSISTANT_``) and defaults.

A plain dataclass rather than pydantic-settings: it is read on every cold
``ask``, where importing pydantic would cost more than answering the question.
"""

import os
from dataclasses import dataclass, fields
from pathlib import Path

from assistant.errors import UsageError

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
    mode: str = "hybrid"
    # Re-score this many top candidates by their best sentence (slower): "0" never,
    # "auto" the top 15 of a question in another language than the articles.
    rerank: str = "0"
    sample_dir: str | None = None  # where a first index comes from; "none" to disable

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = int(raw) if f.type in (int, "int") else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def parse_rerank(value: str | int | None) -> int | None:
    """``--rerank`` / ASSISTANT_RERANK: a passage count, or "auto" (None)."""
    if value is None or str(value).strip().lower() == "auto":
        return None
    try:
        n = int(value)
    except ValueError:
        n = -1
    if not 0 <= n <= 200:
        raise UsageError(f"rerank must be 'auto' or a number from 0 to 200, not {value!r}")
    return n
