"""Article text as Rich ``Text``: plain text, never parsed as markup, with the
answering sentence or span styled by offsets."""

from rich.text import Text

from assistant.text.normalize import printable as safe  # the one output path for user text

SENTENCE_STYLE = "bold underline"
SPAN_STYLE = "bold reverse"


def highlighted(text: str, start: int | None, end: int | None, style: str = SENTENCE_STYLE,
                base: str = "") -> Text:
    """``text`` with text[start:end] styled. Offsets are dropped when stripping
    control characters changed the text, rather than highlighting the wrong words."""
    clean = safe(text)
    out = Text(clean, style=base)
    if start is not None and end is not None and clean == text and 0 <= start < end <= len(text):
        out.stylize(style, start, end)
    return out
