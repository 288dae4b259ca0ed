"""The records of article files: one line of a .jsonl file, validated."""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable_text(text: str) -> str:
    text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


class ArticleRecord(BaseModel):
    """One line of a .jsonl article file."""

    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1)
    id: str | None = None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None

    @field_validator("id", "title", "url", "date", "source", mode="before")
    @classmethod
    def _scalar_to_str(cls, v: Any) -> str | None:
        if v is None or isinstance(v, str):
            return v or None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        raise ValueError("must be a string")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        """Text every store can keep, in every field: a NUL (which PostgreSQL
        refuses in text) goes, and a lone surrogate (a JSON "\\ud800", not
        UTF-8) becomes U+FFFD. Here, at the edge, so both stores index the
        line alike."""
        if isinstance(data, dict):
            data = {k: _storable_text(v) if isinstance(v, str) else v for k, v in data.items()}
        return data

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v
