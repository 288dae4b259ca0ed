"""What a question may ask for: the retrieval modes, how many passages, the
sentence rerank and the filters on source and date. The one home of these
words: the service, the settings and the shells all read them here (light to
import: no numpy, no index).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Final, Literal

from assistant.errors import UsageError

MODES = ("hybrid", "dense", "keyword")
DEFAULT_MODE = "hybrid"
DEFAULT_K = 5  # citations per question, as the settings default
MAX_K = 100

# ``--rerank``: a number of top passages to re-score by their best sentence (0:
# never), or "auto": the top 15, only for a question asked in another language
# than the articles (see assistant.query.retrieval).
RERANK_AUTO: Final = "auto"
MAX_RERANK = 200
Rerank = int | Literal["auto"]


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise UsageError(f"unknown mode '{mode}' (choose from {', '.join(MODES)})")
    return mode


def check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise UsageError(f"k must be within 1–{MAX_K}, not {k}")
    return k


def parse_rerank(value: str | int) -> Rerank:
    """``--rerank`` / ASSISTANT_RERANK: a passage count, or "auto"."""
    if str(value).strip().lower() == RERANK_AUTO:
        return RERANK_AUTO
    try:
        n = int(value)
    except ValueError:
        n = -1
    if not 0 <= n <= MAX_RERANK:
        raise UsageError(f"rerank must be '{RERANK_AUTO}' or a number from 0 to {MAX_RERANK}, "
                         f"not {value!r}")
    return n


# -- filters: which articles a question may cite ------------------------------------------

RELATIVE_DAYS = re.compile(r"([0-9]{1,5})d")


def parse_day(value: str | None, name: str, today: date | None = None) -> str | None:
    """``--since``/``--until``: YYYY-MM-DD, or ``Nd`` for N days before today."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().lower()
    if m := RELATIVE_DAYS.fullmatch(text):
        return ((today or date.today()) - timedelta(days=int(m.group(1)))).isoformat()
    try:
        return date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_day(name, value)
    except ValueError:
        return _bad_day(name, value)


def _bad_day(name: str, value: str) -> str:
    raise UsageError(f"{name} must be a date as YYYY-MM-DD or a number of days such as 7d, "
                     f"not {value!r}")


@lru_cache(maxsize=65536)  # outlets and hosts repeat over thousands of articles
def _name_words(text: str | None) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", unicodedata.normalize("NFKD", text or "").casefold()))


@dataclass(frozen=True)
class Filters:
    """Which articles a question may cite: by source (a word or words of the
    outlet's name or of its web address, any case: "reuters", "kompas.tv") and
    by date (ISO days, both ends included). An article without a date is left
    out by either date bound."""

    source: str | None = None
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None

    @classmethod
    def parse(cls, source: str | None = None, since: str | None = None,
              until: str | None = None, today: date | None = None) -> "Filters":
        """From what a user typed; a bad date is a ``UsageError`` naming the option."""
        if source is not None:  # given, even as "": it must name something
            source = " ".join(source.split())
            if not any(ch.isalnum() for ch in source):  # "_" is a \w but names nothing
                raise UsageError(f"--source needs a name with letters or digits, not {source!r}")
        lo, hi = parse_day(since, "--since", today), parse_day(until, "--until", today)
        if lo and hi and lo > hi:
            raise UsageError(f"--since {lo} is after --until {hi}")
        return cls(source, lo, hi)

    @property
    def active(self) -> bool:
        return bool(self.source or self.since or self.until)

    def matches_source(self, source: str | None, url: str | None) -> bool:
        """True when the filter's words stand together in the source's name or in
        its URL's host (www.reuters.com: "reuters", "reuters.com")."""
        if not self.source:
            return True
        from urllib.parse import urlsplit  # only when filtering by source

        want = _name_words(self.source)
        host = urlsplit(url).hostname if url and "//" in url else None
        return any(_runs_in(want, _name_words(text)) for text in (source, host) if text)

    def to_json(self) -> dict:
        return {"source": self.source, "since": self.since, "until": self.until}

    def describe(self) -> str:
        """As shown to a user: "source reuters, since 2024-11-01"."""
        parts = [f"source {self.source}" if self.source else "",
                 f"since {self.since}" if self.since else "",
                 f"until {self.until}" if self.until else ""]
        return ", ".join(p for p in parts if p) or "none"


NO_FILTERS = Filters()


def _runs_in(want: tuple[str, ...], have: tuple[str, ...]) -> bool:
    n = len(want)
    return any(have[i:i + n] == want for i in range(len(have) - n + 1))


@dataclass(frozen=True)
class Query:
    """A question and what it asks for: the one set of question options every
    step of the pipeline reads (``pipeline.prepare`` builds a checked one)."""

    question: str  # cleaned: what the answer names
    note: str | None = None  # why the question was changed, if it was
    context: list[str] = field(default_factory=list)  # earlier questions it follows up on
    k: int = DEFAULT_K
    mode: str = DEFAULT_MODE
    rerank: Rerank = 0
    filters: Filters = NO_FILTERS

    @property
    def searched(self) -> str:
        """The text retrieval searches: a follow-up along with its context."""
        return " ".join(self.context + [self.question]) if self.context else self.question

    @property
    def needs_embedding(self) -> bool:
        return self.mode != "keyword"
