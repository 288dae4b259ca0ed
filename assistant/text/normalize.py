"""Small text helpers shared by ingestion, answers and the shells."""

import re
import unicodedata
from typing import Any

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte ESC sequences.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# C0/C1 controls except tab and newline, plus bidi overrides that can disguise text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters (keeps \\n and \\t)."""
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def printable(text: object) -> str:
    """The one output path for user-derived text (names, ids, reasons, paths,
    article text) on stdout and stderr: no escape sequence or control character
    reaches the terminal, and undecodable bytes of a file name (surrogates)
    become U+FFFD, so output is always valid UTF-8."""
    return without_surrogates(strip_controls("" if text is None else str(text)))


def without_surrogates(text: str) -> str:
    """Lone surrogates (undecodable bytes of a name or of stdin) as U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def from_outside(data: str | bytes) -> str:
    """The one sanitiser for text entering from outside (arguments, the
    environment, stdin, HTTP bodies): always valid UTF-8. Bytes that are not
    UTF-8 (stdin; argv's undecodable bytes, which Python keeps as surrogate
    escapes) and lone surrogates (a JSON "\\ud800") become U+FFFD. Valid
    text is returned as it is. Not for file paths: those must keep their bytes."""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    if not _SURROGATES.search(data):
        return data
    # argv's undecodable bytes back to bytes, decoded as stdin decodes them
    # (one U+FFFD per bad sequence, not per byte); any other surrogate is one.
    data = _ESCAPED_BYTES.sub(lambda m: _escaped(m.group(0)).decode("utf-8", "replace"), data)
    return without_surrogates(data)


_ESCAPED_BYTES = re.compile(r"[\udc80-\udcff]+")  # Python's surrogateescape of bytes 0x80-0xff


def _escaped(run: str) -> bytes:
    return bytes(ord(ch) - 0xDC00 for ch in run)


def json_text(data: Any) -> str:
    """Data as one line of JSON, always valid UTF-8 (undecodable bytes of a name
    become U+FFFD): what `--json` prints and what the HTTP API sends."""
    import json

    return without_surrogates(json.dumps(data, ensure_ascii=False))


def normalize(text: str) -> str:
    """Unicode NFC, unified newlines, no escapes or control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return strip_controls(text).replace("\u00a0", " ")


_WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Word tokens as written; digits stay (years and counts are often the answer)."""
    return _WORD.findall(text)


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower() for w in tokens(text)]


def word_starts(text: str) -> list[int]:
    """Where each of ``words(text)`` starts in ``text``."""
    return [m.start() for m in _WORD.finditer(text)]


def fold(word: str) -> str:
    """Lower case without diacritics: how the FTS5 tokenizer (remove_diacritics 2) sees a word."""
    if word.isascii():  # most words: nothing to decompose (a third of a warm ask's answer step)
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    # Compatibility forms may decompose to a space and a mark ("ﹰ" -> " ً"):
    # a word stays one word, and a word of marks alone stays as written.
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and not ch.isspace())
    return folded or word.lower()
