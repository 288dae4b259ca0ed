"""Title, source and publication date read from article text, file names and fields."""

import re
from datetime import date

from assistant.dates import MONTHS, weekday_pattern

_DAYS = weekday_pattern()

# "Kamis (14/11/2024)" — the dateline form used by Indonesian outlets.
_DAY_PAREN = re.compile(_DAYS + r",?\s*\(\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*\)", re.I)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})(?!\d)")
_MDY_WORDS = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s*(\d{4})(?!\d)")
_DMY_NUM = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")

# "BRUSSELS, KOMPAS.TV - ..." or "JAKARTA, KOMPAS.com —" or "Jakarta (ANTARA) - ..."
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z .'’-]{1,40},\s*([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)\s*[-–—]\s"
    r"|^[A-Z][A-Za-z .'’-]{1,40}\s*\(([A-Z][\w. ]{1,30})\)\s*[-–—]\s"
)
_SOURCE_LINE = re.compile(r"^(?:sumber|source)\s*[:：]\s*(.{2,80})$", re.I)


def _safe_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first recognisable date in ``text`` as ISO ``YYYY-MM-DD``."""
    for pattern, order in ((_DAY_PAREN, "dmy"), (_ISO, "ymd")):
        for m in pattern.finditer(text):
            a, b, c = (int(g) for g in m.groups())
            iso = _safe_date(c, b, a) if order == "dmy" else _safe_date(a, b, c)
            if iso:
                return iso
    for m in _DMY_WORDS.finditer(text):
        month = MONTHS.get(m.group(2).lower())
        if month and (iso := _safe_date(int(m.group(3)), month, int(m.group(1)))):
            return iso
    for m in _MDY_WORDS.finditer(text):
        month = MONTHS.get(m.group(1).lower())
        if month and (iso := _safe_date(int(m.group(3)), month, int(m.group(2)))):
            return iso
    for m in _DMY_NUM.finditer(text):
        if iso := _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1))):
            return iso
    return None


def parse_date(value: str | None) -> str | None:
    """Normalise a date given in metadata (ISO, RFC 3339, '14 November 2024', ...)."""
    if not value:
        return None
    return find_date(str(value))


def find_source(lines: list[str]) -> str | None:
    """The outlet from the dateline of the first paragraph, else a 'Sumber:' line."""
    if lines:
        m = _DATELINE.match(lines[0])
        if m:
            return (m.group(1) or m.group(2)).strip()
    for line in lines:
        m = _SOURCE_LINE.match(line.strip())
        if m:
            return m.group(1).strip()
    return None


def title_from_filename(stem: str, source: str | None = None) -> str:
    """'kompastv-2024-11-14-china-korea-utara' -> 'China Korea Utara'."""
    stem = _ISO.sub(" ", stem)
    tokens = [t for t in re.split(r"[-_\s.]+", stem) if t]
    if source and tokens and _squash(tokens[0]) == _squash(source):
        tokens = tokens[1:]
    tokens = [t for t in tokens if not t.isdigit()] or tokens
    if all(t.islower() for t in tokens):
        tokens = [t[:1].upper() + t[1:] for t in tokens]
    return " ".join(tokens) or stem


def _squash(s: str) -> str:
    return re.sub(r"\W", "", s).lower()


def looks_like_heading(line: str) -> bool:
    """A short first line without sentence punctuation reads as a title."""
    line = line.strip()
    return 0 < len(line) <= 150 and not re.search(r"[.!?:;,]$", line) and not _DATELINE.match(line)
