"""Human-readable output for the terminal. Article text is printed as plain
text: control characters and escape sequences are stripped first, so an
article can never drive the terminal."""

import shutil
import textwrap
from typing import TYPE_CHECKING

import click

from assistant.present.wording import citation_heading, index_changes, index_totals
from assistant.results import AskResult, IndexInfo, IndexSummary
from assistant.text.normalize import printable as _safe  # the one output path for user text

if TYPE_CHECKING:
    from assistant.app.evaluation import EvalReport


def _highlight(text: str, start: int, end: int, color: bool, width: int, indent: str) -> str:
    """Wrap ``text`` and mark text[start:end]; markers are added after wrapping so
    the escape codes never count towards line width."""
    plain = " ".join(text.split("\n\n"))
    # Offsets shift where "\n\n" became " ": map them through the replacement.
    shift_before = text[:start].count("\n\n")
    shift_inside = text[start:end].count("\n\n")
    s, e = start - shift_before, end - shift_before - shift_inside
    if not color:
        return textwrap.fill(plain, width=width, initial_indent=indent, subsequent_indent=indent)
    marker_on, marker_off = "\x00", "\x01"  # never present: strip_controls removed them
    marked = plain[:s] + marker_on + plain[s:e] + marker_off + plain[e:]
    wrapped = textwrap.fill(marked, width=width + 2, initial_indent=indent, subsequent_indent=indent)
    on, off = "\x1b[1;33m", "\x1b[0m"
    out_lines, inside = [], False
    for line in wrapped.split("\n"):
        line = (on if inside else "") + line
        if marker_on in line:
            inside = True
        if marker_off in line:
            inside = False
        line = line.replace(marker_on, on).replace(marker_off, off)
        out_lines.append(line + (off if inside else ""))
    return "\n".join(out_lines)


def _header(result: AskResult, color: bool) -> list[str]:
    q = _safe(result.question)
    lines = [click.style(f"Q: {q}", bold=True) if color else f"Q: {q}"]
    if result.context:
        lines.append("(follow-up of: " + " / ".join(_safe(c) for c in result.context) + ")")
    if result.filters is not None and result.filters.active:
        lines.append(f"(only articles with {_safe(result.filters.describe())})")
    if result.note:
        lines.append(f"note: {_safe(result.note)}")
    return lines


def stream_header(result: AskResult) -> str:
    """What precedes an answer streamed from the LLM (the text follows as it arrives)."""
    return "\n".join(_header(result, False)) + "\nLLM: "


def render_generated(result: AskResult, width: int) -> list[str]:
    """The checked generated answer: each sentence with its citations, or said
    to be unsupported and why. Never shown as cited fact unless supported."""
    g = result.generated
    if g is None or g.error:
        return []
    if g.refused:
        return [f"Checked ({_safe(g.model)}): the model found no answer in the passages."]
    lines = [f"Checked ({_safe(g.model)}):"]
    for s in g.sentences:
        marks = "".join(f"[{c.n}]" for c in s.citations)
        if s.supported:
            text = f"{_safe(s.text)} {marks}"
        else:
            text = f"UNSUPPORTED: {_safe(s.text)} {marks}".rstrip() + \
                f" ({_safe('; '.join(s.issues))})"
        lines.append(textwrap.fill(text, width=width, initial_indent="  - ",
                                   subsequent_indent="    "))
    if g.translation:
        lines.append(textwrap.fill(f"Translated answer sentence: {_safe(g.translation)}",
                                   width=width))
    return lines


def render_answer(result: AskResult, color: bool, header: bool = True) -> str:
    """``header`` false: the question was already printed (above a streamed answer)."""
    width = max(40, min(100, shutil.get_terminal_size((100, 24)).columns) - 2)
    lines = _header(result, color) if header else []
    lines += render_generated(result, width)
    cites = result.citations
    if result.found and result.answer:
        ans = result.answer
        prefix = "Answer: " if result.generated is None else "Extractive answer: "
        line = f"{prefix}{_safe(ans.text)} [{ans.citation}]"
        a, b = (ans.span.start, ans.span.end) if ans.span else (0, 0)
        # Wrapped like the passages; the answer span (if any) is what lights up.
        if _safe(ans.text) != ans.text:
            a = b = 0  # offsets no longer line up once controls were stripped
        lines.append(_highlight(line, len(prefix) + a, len(prefix) + b, color, width, ""))
    elif cites:
        msg = "Not found: the indexed articles do not seem to answer this. Nearest passages (weak matches):"
        lines.append(click.style(msg, fg="red") if color else msg)
    else:
        lines.append("Not found: the index has no passages that match.")
    for c in cites:
        lines.append("")
        tag = f"[{c.n}]" + ("" if result.found else " (weak)")
        head = f"{tag} {citation_heading(c)}"
        lines.append(click.style(head, fg="cyan") if color else head)
        lines.append(_highlight(_safe(c.text), c.sentence.start, c.sentence.end, color, width,
                                "    "))
    return "\n".join(lines)


def _and_sentences(s: IndexSummary) -> str:
    return f" and {s.sentences} sentences" if s.sentences else ""


def render_summary(s: IndexSummary) -> str:
    """The summary of an update; the skipped files are listed apart (on stderr)."""
    return "\n".join([
        f"indexed into {_safe(s.location)} with {_safe(s.model)}",
        f"  {index_changes(s)}",
        f"  embedded {s.embedded} passages{_and_sentences(s)} (reused {s.reused}); "
        f"index now holds {index_totals(s)}",
        f"  took {s.seconds:.2f} s",
    ])



def render_info(info: IndexInfo, config_file: str | None = None,
                settings: dict | None = None) -> str:
    """What the index holds and, given ``settings`` (``Settings.describe()``),
    each setting with where it came from."""
    size = info.size_bytes
    human = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"
    rows = [
        ("index", info.location),
        ("articles", info.articles),
        ("passages", info.passages),
        ("model", info.model),
        ("dimension", info.dim),
        ("vector index", f"{info.index_type} (setting: {info.index_type_setting})"),
        ("size on disk", human),
        ("last update", info.updated_at),
        ("created", info.created_at),
        ("folders", ", ".join(info.roots) or "-"),
    ]
    lines = [f"{k:<13} {_safe(str(v))}" for k, v in rows]
    if settings is not None:
        lines.append(f"{'config file':<13} {_safe(config_file or '-')}")
        lines.append("settings      (flags > environment > config file > defaults)")
        for name, s in settings.items():
            value = "-" if s["value"] is None else str(s["value"])
            where = s["source"] + (f" {s['where']}" if s["where"] else "")
            lines.append(f"  {name:<25} {_safe(value):<24} {_safe(where)}")
    return "\n".join(lines)


def render_eval(report: "EvalReport") -> str:
    """An `assistant eval` report (assistant.app.evaluation.EvalReport) as text."""
    r = report
    lines = [f"{_safe(r.file)}: {r.questions} questions, mode {r.mode}, k {r.k}",
             f"  R@1 {r.r_at_1:.3f}  R@5 {r.r_at_5:.3f}  MRR {r.mrr:.3f}  ({r.answerable} answerable)"]
    if r.answer_accuracy is not None:
        lines.append(f"  answer sentence holds a gold answer: {r.answer_accuracy:.3f}"
                     f"  answer span holds it: {r.span_accuracy:.3f} ({r.answer_questions} questions)")
    if r.answerable_found is not None:
        lines.append(f"  answerable questions found: {r.answerable_found:.3f}")
    if r.unanswerable:
        p = r.not_found_precision
        lines.append(f"  not found: precision {'-' if p is None else f'{p:.3f}'}, recall "
                     f"{r.not_found_recall:.3f} ({r.unanswerable} unanswerable)")
    for title, groups in (("language (question→article)", r.by_language), ("kind", r.by_kind)):
        if groups:
            lines.append(f"  by {title}:  n  R@1  R@5  MRR  sentence  span  found")
            for name, g in groups.items():
                lines.append(f"    {name:<10} {g.questions:>3}  {g.r_at_1:.2f} {g.r_at_5:.2f} "
                             f"{g.mrr:.2f}  {g.answer_accuracy:.2f}  {g.span_accuracy:.2f}  {g.found:.2f}")
    lines.append(f"  {r.questions_per_second:.1f} questions/s")
    return "\n".join(lines)
