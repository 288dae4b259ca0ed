"""An answer as Markdown with footnotes, for chat clients (the OpenAI-compatible
face) and agents (MCP): the answer's sentence with ``[^1]`` markers, then one
``[^1]: Title · Source, date · ¶3`` line for each citation. With an LLM, the
checked generated answer: supported sentences with their markers, unsupported
ones struck through with the reason, never shown as cited fact."""

import re

from assistant.present.wording import citation_label
from assistant.results import AskResult
from assistant.text.normalize import printable

NOT_FOUND = "Not found: the indexed articles do not seem to answer this."
_MARKER = re.compile(r"\[(\d{1,3})\]")
_OPEN_MARKER = re.compile(r"\[\d{0,3}")  # a marker not yet closed


def footnote_markers(text: str) -> str:
    """"… ke Kursk [1]." as "… ke Kursk [^1].": the LLM's markers as footnote references."""
    return _MARKER.sub(r"[^\1]", text)


class MarkerStream:
    """``footnote_markers`` over text that arrives in pieces: a piece ending
    inside a possible marker ("… Kursk [", "1].") is held back until it closes."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, piece: str) -> str:
        text = self._held + piece
        cut = text.rfind("[")
        if cut != -1 and _OPEN_MARKER.fullmatch(text[cut:]):
            self._held, text = text[cut:], text[:cut]
        else:
            self._held = ""
        return footnote_markers(text)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return footnote_markers(held)


def footnotes(result: AskResult) -> str:
    """One footnote line per citation; weak matches (nothing found) say so."""
    weak = "" if result.found else " (weak match)"
    return "\n".join(f"[^{c.n}]: {citation_label(c)}{weak}" for c in result.citations)


def extractive_markdown(result: AskResult) -> str:
    """The answer sentence with its footnote reference, or that none was found."""
    if result.found and result.answer:
        return f"{printable(result.answer.text)} [^{result.answer.citation}]"
    if result.citations:
        return f"{NOT_FOUND} The nearest passages are weak matches."
    return "Not found: the index has no passages that match."


def generated_markdown(result: AskResult) -> str | None:
    """The checked generated answer, or None where there is none to show (no
    LLM, it failed, or it found no answer in the passages)."""
    g = result.generated
    if g is None or g.error or g.refused or not g.sentences:
        return None
    said = []
    for s in g.sentences:
        marks = "".join(f"[^{c.n}]" for c in s.citations)
        if s.supported:
            said.append(f"{printable(s.text)} {marks}".rstrip())
        else:
            said.append(f"~~{printable(s.text)}~~ (unsupported: {printable('; '.join(s.issues))})")
    return " ".join(said)


def unsupported_notes(result: AskResult) -> str:
    """After a streamed answer: which of its sentences the check did not bear out."""
    g = result.generated
    if g is None or g.error or g.refused:
        return ""
    return "\n".join(f"> Not borne out by the passages: {printable(s.text)} "
                     f"({printable('; '.join(s.issues))})" for s in g.sentences if not s.supported)


def answer_markdown(result: AskResult) -> str:
    """The whole answer: the checked generated one where there is one, else the
    extractive one; then the footnotes."""
    body = generated_markdown(result) or extractive_markdown(result)
    notes = footnotes(result)
    return f"{body}\n\n{notes}" if notes else body
