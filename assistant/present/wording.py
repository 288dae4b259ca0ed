"""How results are worded for a person, the same in the CLI and the chat: a
citation's heading, an index update's summary. Safe to print on a terminal."""


from assistant.results import Citation, IndexSummary, Skipped
from assistant.text.normalize import printable

# Plain words for a citation's confidence (its chance of holding the answer).
CONFIDENCE_LABELS = ((0.7, "high"), (0.4, "medium"), (0.0, "low"))


def confidence_label(p: float) -> str:
    return next(label for floor, label in CONFIDENCE_LABELS if p >= floor)


def citation_heading(citation: Citation) -> str:
    """"Title · Source, date · ¶3 · high confidence (82%)" ("· p. 2 ¶3 ·" from a
    PDF), safe to print on a terminal; keyword search, which has no calibrated
    score, shows "score 7.512"."""
    parts = [citation_label(citation)]
    if citation.confidence is None:
        parts.append(f"score {citation.score:.3f}")
    else:
        p = citation.confidence
        parts.append(f"{confidence_label(p)} confidence ({p:.0%})")
    return " · ".join(parts)


def citation_label(citation: Citation) -> str:
    """"Title · Source, date · ¶3" ("· p. 2 (OCR) ¶3" from a scanned PDF page)."""
    a = citation.article
    parts = [printable(a.title or "") or printable(a.id or "")]
    origin = ", ".join(x for x in (printable(a.source or ""),
                                   printable(a.date or "")) if x)
    if origin:
        parts.append(origin)
    where = f"¶{citation.paragraph}"
    page = f"p. {citation.page}" + (" (OCR)" if citation.ocr else "")
    parts.append(f"{page} {where}" if citation.page is not None else where)
    return " · ".join(parts)


def index_changes(summary: IndexSummary) -> str:
    """"added 3, updated 1, removed 0, unchanged 40, skipped 2"."""
    s = summary
    return (f"added {s.added}, updated {s.updated}, removed {s.removed}, "
            f"unchanged {s.unchanged}, skipped {len(s.skipped)}")


def index_totals(summary: IndexSummary) -> str:
    return f"{summary.articles} articles, {summary.passages} passages"


def skipped_file(item: Skipped) -> str:
    """One skipped file and why: "skipped PATH: REASON"."""
    return f"skipped {printable(item.path)}: {printable(item.reason)}"


def _shown(path: str) -> str:
    """Relative to the working folder when under it: shorter to read."""
    import os

    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return printable(path if rel.startswith("..") else rel)


def changed_files(summary: IndexSummary, limit: int = 5) -> str:
    """"added a.txt, b.pdf; removed old.txt" (at most ``limit`` names of each kind)."""
    parts = []
    for change in ("added", "updated", "removed"):
        paths = [p for p, c in summary.changes.items() if c == change]
        if paths:
            names = ", ".join(_shown(p) for p in paths[:limit])
            more = f" and {len(paths) - limit} more" if len(paths) > limit else ""
            parts.append(f"{change} {names}{more}")
    return "; ".join(parts) or "no article changed"
