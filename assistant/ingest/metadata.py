"""Title, source and publication date read from article text, file names and fields.

An article's date comes from its metadata, its header (the byline and date
lines above the story: "By Daniel Tan · 8 July 2025", "Rabu, 20 Agustus 2025
16:30 WIB"), its dateline sentence ("LEBAK, KOMPAS.TV - ... Rabu (22/1/2025).")
or its file name; never from a date further inside the story, which is as
often a birth date or a deadline as the day it was published.
"""

import re
from datetime import date

from assistant.text.datelines import dateline
from assistant.text.dates import MONTHS, month_pattern, weekday_pattern

_DAYS = weekday_pattern()

# "Kamis (14/11/2024)" — the dateline form used by Indonesian outlets.
_DAY_PAREN = re.compile(_DAYS + r",?\s*\(\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*\)", re.I)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})(?!\d)")
_MDY_WORDS = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s*(\d{4})(?!\d)")
_DMY_NUM = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")

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
        d = dateline(lines[0])
        if d and d.source:
            return d.source
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
    return (0 < len(line) <= 150 and not re.search(r"[.!?:;,]$", line) and dateline(line) is None
            and not is_byline(line) and not is_date_line(line))


# -- the header above the story: bylines and date lines ----------------------------------

# "By Daniel Tan · 8 July 2025", "Oleh: Ahmad", "By Sarah Lim · Associated Press ·"
_BYLINE = re.compile(r"^(?:by|oleh)\s*:?\s+[A-Z][^\n]{0,100}$", re.I)
# "Dian Utoro - detikJateng", "Maria Tebay | Jakarta Post": a name, then the outlet.
_NAME_OUTLET = re.compile(r"^[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,3}\s+[-–—|·]\s+[\w.]+(?:\s[\w.]+)?$")
_CLOCK = re.compile(r"\b\d{1,2}[.:]\d{2}\b|\b(?:WIB|WITA|WIT|GMT|UTC|AM|PM|a\.m\.|p\.m\.)(?:[+-]\d{1,2})?",
                    re.I)
_STAMP_WORDS = re.compile(r"\b(?:updated|published|posted|diperbarui|diterbitkan|dipublikasikan|"
                          r"pukul|jam)\b", re.I)
# How far down the header may reach: title, outlet, byline, date, photo line.
HEADER_PARAGRAPHS = 6


def is_date_line(line: str) -> bool:
    """A line that is only a date, maybe with a weekday and a time:
    "Rabu, 20 Agustus 2025 16:30 WIB", "September 21, 2024 · 4:40 PM GMT+7"."""
    if len(line) > 80 or not re.search(r"\d", line):
        return False
    rest = re.sub(r"\b" + month_pattern() + r"|\b" + _DAYS + r"\b", " ", line, flags=re.I)
    rest = _STAMP_WORDS.sub(" ", _CLOCK.sub(" ", rest))
    return not re.search(r"[^\W\d_]", rest)


def is_byline(line: str) -> bool:
    return bool(_BYLINE.match(line) or _NAME_OUTLET.match(line)) and len(line) <= 120


def split_header(paragraphs: list[str], title: str | None = None) -> tuple[list[str], list[str]]:
    """The header lines above the story (bylines, date lines, the title
    repeated) and the paragraphs of the story. The header ends at the
    dateline, or after HEADER_PARAGRAPHS paragraphs."""
    header: list[str] = []
    body: list[str] = []
    for i, p in enumerate(paragraphs):
        line = p.strip()
        if i >= HEADER_PARAGRAPHS or (dateline(p) is not None and not is_byline(line)):
            body.extend(paragraphs[i:])
            break
        nxt = paragraphs[i + 1].strip() if i + 1 < len(paragraphs) else ""
        # An outlet's name alone right above a byline or date line ("CNN Indonesia").
        outlet = (len(line.split()) <= 4 and not re.search(r"[.!?:;,]$", line)
                  and (is_byline(nxt) or is_date_line(nxt)))
        if is_byline(line) or is_date_line(line) or outlet or (title and line == title.strip()):
            header.append(line)
        else:
            body.append(p)
    return header, body


def article_date(header: list[str], body: list[str], file_stem: str) -> str | None:
    """The publication date: the header's, else the dateline sentence's, else
    the file name's; never one from further inside the story."""
    if header and (iso := find_date(" ".join(header))):
        return iso
    if body and dateline(body[0]) is not None:
        first = body[0].split(". ", 1)[0]
        if iso := find_date(first):
            return iso
    return find_date(file_stem)
