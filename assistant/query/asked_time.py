"""When in a story a question asks about: its first report, its latest, or a
month ("first day", "hari pertama", "latest", "terbaru", "now", "kini",
"in January", "pada Januari").

News follows a story over days: the first report gives the first figures, a
later one updates them. Of the reports of one story that a question matches,
"on the first day" is the earliest-dated, "latest" or "now" the newest, and
"in January" one dated in January (or in the first days after it). A story's
reports are the candidates that hold every name the question gives (its
places, organisations, people), or, for a question without names, the best
candidates. ``passage_evidence`` gives the fitting report a bonus.

Days named in full ("on 7 April 2026") are ``asked_day``'s.
"""

import re
from datetime import date
from functools import cache

from assistant.text.dates import MONTHS
from assistant.text.normalize import fold

EARLIEST, LATEST = "earliest", "latest"

_EARLIEST = re.compile(
    r"\b(?:(?:on|in|during)\s+the\s+first\s+(?:day|days|hours?|night|morning|report)"
    r"|first\s+reported|initially|at\s+first|at\s+the\s+start"
    r"|hari\s+pertama|pada\s+awal(?:nya)?|awalnya|semula|mula-mula|pertama\s+kali\s+dilaporkan)\b")
_LATEST = re.compile(
    r"\b(?:latest|newest|most\s+recent(?:ly)?|now|so\s+far|currently|to\s+date|as\s+of\s+now|updated?"
    r"|terbaru|terkini|kini|sekarang|saat\s+ini|sejauh\s+ini|hingga\s+kini|sampai\s+kini"
    r"|hingga\s+saat\s+ini|sampai\s+saat\s+ini)\b")


def asked_order(question: str) -> str | None:
    """EARLIEST, LATEST or None: which report of a story the question asks for."""
    q = fold(question)
    # A follow-up is searched with the questions before it: the last cue wins.
    early = [m.start() for m in _EARLIEST.finditer(q)]
    late = [m.start() for m in _LATEST.finditer(q)]
    if not early and not late:
        return None
    return EARLIEST if max(early, default=-1) > max(late, default=-1) else LATEST


def names_the_time(text: str) -> bool:
    """Whether a passage itself speaks of a first day or first report ("pada
    hari pertama ..."): then the question's "first day" is a day within the
    story (of a campaign, of a search), which that passage answers, not the
    date of the story's first report."""
    return bool(_EARLIEST.search(fold(text)))


@cache
def _month_re() -> re.Pattern:
    names = "|".join(sorted((m for m in MONTHS if len(m) > 3 or m in ("mei", "may")), key=len, reverse=True))
    # "in January", "pada Januari", "bulan Januari", "January 2025": a month
    # without a day before or after it (those are asked_day's).
    return re.compile(rf"\b(?:in|during|pada|bulan|sejak|selama)\s+(?P<m>{names})\b(?!\s*\d{{1,2}}\b(?!\d))",
                      re.I)


def asked_month(question: str) -> int | None:
    """The month a question asks about ("in January", "pada Januari"), or None."""
    m = _month_re().search(question)
    return MONTHS.get(m.group("m").lower()) if m else None


def _date(article_date: str | None) -> date | None:
    if not article_date:
        return None
    try:
        return date.fromisoformat(article_date[:10])
    except ValueError:
        return None


def fitting_dates(dates: list[str | None], order: str | None, month: int | None) -> list[bool]:
    """Which of the reports (their ISO dates) fit the question's time: the
    earliest or newest date among them, or a date in the asked month (or in
    the first week after it). All False when fewer than two distinct dates
    compete or none fits."""
    parsed = [_date(d) for d in dates]
    known = sorted({d for d in parsed if d})
    if len(known) < 2:
        return [False] * len(dates)
    if order == EARLIEST:
        return [d == known[0] for d in parsed]
    if order == LATEST:
        return [d == known[-1] for d in parsed]
    if month:
        fit = [d is not None and (d.month == month or (d.month == month % 12 + 1 and d.day <= 7))
               for d in parsed]
        return fit if any(fit) and not all(f for f, d in zip(fit, parsed) if d) else [False] * len(dates)
    return [False] * len(dates)
