"""How a citation is named to a person, the same in the CLI and the chat."""

from assistant.results import Citation
from assistant.textutil import strip_controls


def citation_heading(citation: Citation) -> str:
    """"Title · Source, date · ¶3 · score 0.835", safe to print on a terminal."""
    a = citation.article
    parts = [strip_controls(a.title or "") or strip_controls(a.id or "")]
    origin = ", ".join(x for x in (strip_controls(a.source or ""),
                                   strip_controls(a.date or "")) if x)
    if origin:
        parts.append(origin)
    parts.append(f"¶{citation.paragraph}")
    parts.append(f"score {citation.score:.3f}")
    return " · ".join(parts)
