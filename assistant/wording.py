"""How results are worded for a person, the same in the CLI and the chat: a
citation's heading, an index update's summary. Safe to print on a terminal."""

from typing import TYPE_CHECKING

from assistant.results import Citation
from assistant.textutil import strip_controls

if TYPE_CHECKING:  # the indexer loads ingestion: only when indexing
    from assistant.indexer import IndexSummary


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


def index_changes(summary: "IndexSummary") -> str:
    """"added 3, updated 1, removed 0, unchanged 40, skipped 2"."""
    s = summary
    return (f"added {s.added}, updated {s.updated}, removed {s.removed}, "
            f"unchanged {s.unchanged}, skipped {len(s.skipped)}")


def index_totals(summary: "IndexSummary") -> str:
    return f"{summary.articles} articles, {summary.passages} passages"


def skipped_file(item: dict) -> str:
    """One skipped file and why: "skipped PATH: REASON"."""
    return f"skipped {strip_controls(item['path'])}: {strip_controls(item['reason'])}"
