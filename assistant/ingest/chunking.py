"""Cut a cleaned article into passages: paragraph-based, short ones merged, long ones
split on sentence boundaries. Every passage is a span of the cleaned text."""

from dataclasses import dataclass

from assistant.text.sentences import sentence_spans

PARAGRAPH_SEPARATOR = "\n\n"

# About 250 tokens of Indonesian/English text: well inside e5's 512-token window
# and MiniLM's 256, while keeping a passage focused enough to cite.
DEFAULT_MAX_CHARS = 1000
# Paragraphs shorter than this (headings, one-line teasers) join the next one.
DEFAULT_MIN_CHARS = 60


@dataclass(frozen=True)
class Passage:
    ordinal: int  # 0-based position in the article
    paragraph: int  # 1-based number of the first paragraph it covers
    start: int  # character offsets into the cleaned article text
    end: int
    text: str
    page: int | None = None  # 1-based page of a PDF it comes from; None for other files
    ocr: bool = False  # its page was read by OCR (a scan, an image)


def join_paragraphs(paragraphs: list[str]) -> tuple[str, list[int]]:
    """The cleaned article text and the start offset of each paragraph."""
    starts, pos = [], 0
    for p in paragraphs:
        starts.append(pos)
        pos += len(p) + len(PARAGRAPH_SEPARATOR)
    return PARAGRAPH_SEPARATOR.join(paragraphs), starts


def chunk_paragraphs(
    paragraphs: list[str],
    max_chars: int = DEFAULT_MAX_CHARS,
    min_chars: int = DEFAULT_MIN_CHARS,
    pages: list[int] | None = None,
) -> tuple[str, list[Passage]]:
    """Return the cleaned text (paragraphs joined by a blank line) and its passages.

    ``pages``: the page of each paragraph (a PDF). A passage never spans two
    pages, so the page it is cited with holds all of it."""
    kept = [i for i, p in enumerate(paragraphs) if p.strip()]
    page_of: list[int | None] = [pages[i] for i in kept] if pages is not None else [None] * len(kept)
    paragraphs = [paragraphs[i] for i in kept]
    text, starts = join_paragraphs(paragraphs)
    units: list[tuple[int, int, int]] = []  # (paragraph number, start, end)
    for number, (para, pstart) in enumerate(zip(paragraphs, starts), start=1):
        if len(para) <= max_chars:
            units.append((number, pstart, pstart + len(para)))
        else:
            units.extend((number, pstart + a, pstart + b) for a, b in _split_long(para, max_chars))

    def same_page(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
        return page_of[a[0] - 1] == page_of[b[0] - 1]

    groups: list[tuple[int, int, int]] = []
    cur: tuple[int, int, int] | None = None
    for unit in units:
        if cur is None:
            cur = unit
        elif cur[2] - cur[1] < min_chars and unit[2] - cur[1] <= max_chars and same_page(cur, unit):
            cur = (cur[0], cur[1], unit[2])  # a short unit joins what follows it
        else:
            groups.append(cur)
            cur = unit
    if cur is not None:
        if groups and cur[2] - cur[1] < min_chars and cur[2] - groups[-1][1] <= max_chars \
                and same_page(groups[-1], cur):
            last = groups.pop()
            cur = (last[0], last[1], cur[2])  # a short tail joins what precedes it
        groups.append(cur)
    passages = [Passage(i, num, a, b, text[a:b], page_of[num - 1])
                for i, (num, a, b) in enumerate(groups)]
    return text, passages


def _split_long(para: str, max_chars: int) -> list[tuple[int, int]]:
    """Pack whole sentences into pieces of at most ``max_chars``; cut a single
    over-long sentence at whitespace (or hard, if it has none)."""
    pieces: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for a, b in sentence_spans(para):
        for sa, sb in _cut(para, a, b, max_chars):
            if cur is not None and sb - cur[0] <= max_chars:
                cur = (cur[0], sb)
            else:
                if cur is not None:
                    pieces.append(cur)
                cur = (sa, sb)
    if cur is not None:
        pieces.append(cur)
    return pieces


def _cut(text: str, a: int, b: int, max_chars: int) -> list[tuple[int, int]]:
    out = []
    while b - a > max_chars:
        cut = text.rfind(" ", a + max_chars // 2, a + max_chars + 1)
        if cut <= a:
            cut = a + max_chars
        out.append((a, cut))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if a < b:
        out.append((a, b))
    return out
