"""The day a question asks about ("on 7 April 2026", "pada 7/4/2026",
"June 30, 2026"), and whether an article reports that day.

News reports a day's events that day or the next, so a question that names a
day points at the articles dated then: of two stories on the same index, one
of April and one of June, "where did the index close on 7 April?" is the
April one. Only a day with its month counts: a bare year ("in 2025") is the
period a story covers, and a month alone ("mulai Maret") is as often a date
ahead as the day of the report.
"""

import re
from datetime import date
from functools import cache

from assistant.text.dates import MONTHS, month_pattern


@cache
def _day_re() -> re.Pattern:
    month = month_pattern()
    return re.compile(
        rf"\b(?P<d1>\d{{1,2}})\s+(?P<m1>{month})(?:\s+(?P<y1>\d{{4}}))?\b"  # 7 April 2026
        rf"|\b(?P<m2>{month})\s+(?P<d2>\d{{1,2}})(?:,?\s+(?P<y2>\d{{4}}))?\b"  # June 30, 2026
        r"|\b(?P<d3>\d{1,2})/(?P<m3>\d{1,2})/(?P<y3>\d{4})\b",  # 7/4/2026
        re.I)


def asked_day(question: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of the first day the question names, or None."""
    if not any(ch.isdigit() for ch in question):
        return None  # every form has a figure; most questions need no pattern built
    for m in _day_re().finditer(question):
        g = m.groupdict()
        year: int | None
        if g["d3"]:
            year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
        else:
            name = (g["m1"] or g["m2"]).lower().rstrip(".")
            month = MONTHS.get(name, 0)
            day = int(g["d1"] or g["d2"])
            year = int(y) if (y := g["y1"] or g["y2"]) else None
        if 1 <= month <= 12 and 1 <= day <= 31:
            return year, month, day
    return None


def reports_day(article_date: str | None, asked: tuple[int | None, int, int]) -> bool:
    """Whether an article dated ``article_date`` (ISO) reports the ``asked``
    day: dated that day or the next."""
    if not article_date:
        return False
    try:
        published = date.fromisoformat(article_date[:10])
    except ValueError:
        return False
    year, month, day = asked
    try:
        when = date(year or published.year, month, day)
    except ValueError:
        return False
    return 0 <= (published - when).days <= 1
