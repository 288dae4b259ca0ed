"""The checkable facts of a sentence — figures, dates and names — in a form that
compares across the ways Indonesian and English write them.

"12.000", "12,000", "12 000" and "12 ribu" are all 12000; "Rp3,2 miliar" and
"3.2 billion rupiah" are both 3.2e9; "14/11/2024" and "14 November 2024" are
both 2024-11-14. A figure written with one separator and three digits after it
("3.200") is read both ways (3200 and 3.2), since the languages disagree on
which one is the decimal mark; two figures match when their readings meet.

Names are compared by their words, loosely: "North Korea" is supported by a
passage that says "Korea Utara", "Ukraine" by "Ukraina". A name none of whose
words (of three letters or more) resembles a word of the passage is not.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from assistant.text.dates import MONTHS, WEEKDAYS, month_pattern
from assistant.text.normalize import fold

SCALES = {
    "ribu": 1e3, "rb": 1e3, "thousand": 1e3,
    "juta": 1e6, "jt": 1e6, "million": 1e6, "mn": 1e6,
    "miliar": 1e9, "milyar": 1e9, "billion": 1e9, "bn": 1e9,
    "triliun": 1e12, "trilyun": 1e12, "trillion": 1e12,
}
_SCALE = "(?:" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b"
# Digits with group separators ("12.000", "1,234,567", "12 000") or a decimal
# part; never starts inside a longer number ("Rp3,2" is a figure).
_FIGURE = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:(?P<sep>[.,\u00a0 ])\d{3})(?:(?P=sep)\d{3})*(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)(?![\w])(?:\s*(?P<scale>" + _SCALE + "))?", re.I)
_MONTH = month_pattern()
_DATES = [
    # 14/11/2024, 14-11-2024, 14.11.2024 (day first, as both languages' news write it)
    ("dmy", re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")),
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("d_month_y", re.compile(r"\b(\d{1,2})\s+(" + _MONTH + r")(?:,?\s+(\d{4}))?\b", re.I)),
    ("month_d_y", re.compile(r"\b(" + _MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b",
                             re.I)),
    ("month_y", re.compile(r"\b(" + _MONTH + r")\s+(\d{4})\b", re.I)),
]
_NAME = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_NOT_NAMES = frozenset(MONTHS) | frozenset(WEEKDAYS)
NAME_SIMILARITY = 0.8  # "ukraine"/"ukraina" 0.86, "russia"/"rusia" 0.91, "korea"/"kenya" 0.6


@dataclass(frozen=True)
class Date:
    year: int | None
    month: int | None
    day: int | None


@dataclass
class Facts:
    """What a text states that can be checked: each figure as its set of
    readings, dates, and names as phrases of words."""

    figures: list[tuple[str, frozenset[float]]] = field(default_factory=list)
    dates: list[tuple[str, Date]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def readings(self) -> set[float]:
        out: set[float] = set()
        for _, r in self.figures:
            out |= r
        return out


def figure_readings(number: str, scale: str | None = None) -> frozenset[float]:
    """Every value the written figure may mean (see the module docstring)."""
    factor = SCALES.get(fold(scale), 1.0) if scale else 1.0
    s = number.replace("\u00a0", " ")
    if " " in s:
        values = [float(s.replace(" ", "").replace(",", "."))]
    else:
        seps = [c for c in s if c in ".,"]
        if not seps:
            values = [float(s)]
        elif len(set(seps)) == 2:  # "1.234,5" or "1,234.5": the last one is the decimal mark
            dec = seps[-1]
            grp = "," if dec == "." else "."
            values = [float(s.replace(grp, "").replace(dec, "."))]
        elif len(seps) > 1:  # "1.234.567": only groups
            values = [float(s.replace(seps[0], ""))]
        else:
            head, tail = re.split(r"[.,]", s)
            values = [float(f"{head}.{tail}")]
            if len(tail) == 3:
                values.append(float(head + tail))
    return frozenset(round(v * factor, 6) for v in values)


def _month(name: str) -> int:
    return MONTHS[fold(name).rstrip(".")]


def _date_of(kind: str, groups: tuple) -> list[Date]:
    if kind == "dmy":
        d, m, y = int(groups[0]), int(groups[1]), int(groups[2])
        out = [Date(y, m, d)] if 1 <= m <= 12 and 1 <= d <= 31 else []
        if d <= 12 and m <= 31 and d != m:  # 11/14/2024 read the American way as well
            out.append(Date(y, d, m))
        return out
    if kind == "iso":
        return [Date(int(groups[0]), int(groups[1]), int(groups[2]))]
    if kind == "d_month_y":
        return [Date(int(groups[2]) if groups[2] else None, _month(groups[1]), int(groups[0]))]
    if kind == "month_d_y":
        return [Date(int(groups[2]) if groups[2] else None, _month(groups[0]), int(groups[1]))]
    return [Date(int(groups[1]), _month(groups[0]), None)]


def extract(text: str, skip_first_word: bool = True) -> Facts:
    """The facts of ``text``. Dates are read first and their digits are not
    figures again; a sentence's first word is not taken for a name (it is
    capitalised anyway)."""
    facts = Facts()
    masked = text
    for kind, pattern in _DATES:
        for m in pattern.finditer(masked):
            for date in _date_of(kind, m.groups()):
                facts.dates.append((m.group(0), date))
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    for m in _FIGURE.finditer(masked):
        facts.figures.append((m.group(0), figure_readings(m.group("num"), m.group("scale"))))
    # Where the first word starts: found once, not by slicing before each name
    # (which made a long sentence quadratic).
    lead = len(text) - len(text.lstrip(" \"'“‘([*"))
    for m in _NAME.finditer(masked):
        if skip_first_word and m.start() <= lead:
            words = m.group(0).split()[1:]
        else:
            words = m.group(0).split()
        words = [w for w in words if fold(w).strip("'’") not in _NOT_NAMES
                 and not any(c.isdigit() for c in w)]
        if words:
            facts.names.append(" ".join(words))
    return facts


@dataclass
class Evidence:
    """The facts of the passages a sentence cites, ready for look-ups."""

    readings: set[float]
    dates: list[Date]
    words: set[str]

    @classmethod
    def of(cls, texts: list[str]) -> "Evidence":
        readings: set[float] = set()
        dates: list[Date] = []
        words: set[str] = set()
        for text in texts:
            f = extract(text, skip_first_word=False)
            readings |= f.readings()
            for _, d in f.dates:
                dates.append(d)
                if d.year is not None:  # "in 2024" is supported by "14/11/2024"
                    readings.add(float(d.year))
            words |= {fold(w) for w in re.findall(r"\w+", text)}
        return cls(readings, dates, words)

    @classmethod
    def union(cls, parts: "list[Evidence]") -> "Evidence":
        return cls(set().union(*(p.readings for p in parts)),
                   [d for p in parts for d in p.dates], set().union(*(p.words for p in parts)))

    def has_figure(self, readings: frozenset[float]) -> bool:
        return bool(readings & self.readings)

    def has_date(self, date: Date) -> bool:
        for d in self.dates:
            if date.month is not None and d.month != date.month:
                continue
            if date.day is not None and d.day != date.day:
                continue
            if date.year is not None and d.year != date.year and not (
                    d.year is None and float(date.year) in self.readings):
                continue
            return True
        return False

    def has_name(self, name: str) -> bool:
        tokens = [fold(w).strip("'’-") for w in name.split()]
        tokens = [t for t in tokens if len(t) >= 3]
        if not tokens:
            return True  # initials and short acronyms ("AS"/"US") differ across languages
        return any(_resembles(t, self.words) for t in tokens)


def _resembles(token: str, words: set[str]) -> bool:
    if token in words:
        return True
    for w in words:
        if abs(len(w) - len(token)) <= 2 and w[:1] == token[:1] \
                and SequenceMatcher(None, token, w).ratio() >= NAME_SIMILARITY:
            return True
    return False


def unsupported_facts(sentence: str, evidence: Evidence) -> list[str]:
    """The facts of ``sentence`` that the evidence does not state, as written."""
    facts = extract(sentence)
    missing = [text for text, readings in facts.figures if not evidence.has_figure(readings)]
    missing += [text for text, date in facts.dates if not evidence.has_date(date)]
    seen_dates: dict[str, bool] = {}
    for text, date in facts.dates:  # a date with two readings needs one of them
        seen_dates[text] = seen_dates.get(text, False) or evidence.has_date(date)
    missing = [m for m in missing if m not in seen_dates or not seen_dates[m]]
    missing += [name for name in facts.names if not evidence.has_name(name)]
    return list(dict.fromkeys(missing))
