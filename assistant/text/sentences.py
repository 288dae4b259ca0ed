"""Sentence boundaries as character spans, for Indonesian and English news text.

Rule-based on purpose: it must be fast at query time and never lose a
character. A boundary is terminal punctuation (plus closing quotes/brackets)
followed by whitespace and a plausible sentence start. "12.000" or "14/11"
never split because no whitespace follows the dot.
"""

import re

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st jr sr no vs etc inc ltd co corp gen col lt sgt rev gov sen rep
    jan feb mar apr jun jul aug sep sept oct nov dec fig e.g i.e u.s a.s
    jl tn ny nn sdr bpk ir drs dra hj kh dll dsb dst dkk tsb yth sda
    """.split()
)

# Terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_BLOCK = re.compile(r"(?:(?!\n[ \t]*\n).)+", re.S)
_START = re.compile(r"\s+[\"'“‘«(\[]*[A-Z0-9À-ÖØ-ÞĀ-ſ]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of ``text``.

    Spans are trimmed of surrounding whitespace, cover every non-space
    character, and never overlap.
    """
    spans: list[tuple[int, int]] = []
    # A paragraph break always ends a sentence: a heading joined to the
    # paragraph after it ("Petani ditangkap\n\nPolres ...") is not part of it.
    for block in _BLOCK.finditer(text):
        start = block.start()
        for m in _BOUNDARY.finditer(text, block.start(), block.end()):
            end = m.end()
            if not _START.match(text, end):
                continue
            if _is_abbreviation(text, m.start()):
                continue
            _append(spans, text, start, end)
            start = end
        _append(spans, text, start, block.end())
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    i = dot
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] == "."):
        i -= 1
    token = text[i:dot].lower()
    if not token:
        return False
    # Single initials ("J. Smith") and known abbreviations do not end sentences.
    return (len(token) == 1 and text[i].isupper()) or token in _ABBREVIATIONS


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
