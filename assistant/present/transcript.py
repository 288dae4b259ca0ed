"""Answers as Markdown: the chat's transcript (kept on quit, saved on a key or
to ``--transcript FILE``), one answer copied to the clipboard, and
``ask --format markdown``. One renderer for all of them, so each holds every
citation the same way: title, source, date, paragraph or page, path and URL."""

import os
import time

from assistant.config.own_files import TRANSCRIPTS_DIR as TRANSCRIPTS_DIR
from assistant.present.wording import citation_heading
from assistant.results import AskResult, Citation
from assistant.text.normalize import strip_controls

# (question, its result, or the error that answered it instead)
Turn = tuple[str, AskResult | None, str | None]


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in strip_controls(text).split("\n"))


def _where(c: Citation) -> str:
    """The article's file and address, each when known."""
    a = c.article
    parts = [f"`{strip_controls(a.path)}`"] if a.path else []
    if a.url:
        parts.append(f"<{strip_controls(a.url)}>")
    return " · ".join(parts)


def _generated(result: AskResult) -> list[str]:
    """The LLM's checked answer: supported sentences with their [n], unsupported
    ones struck through with the reason (never shown as cited fact)."""
    g = result.generated
    if g is None or g.error:
        return []
    if g.refused:
        return [f"**In words ({strip_controls(g.model)}):** the model found no answer in the "
                "passages.", ""]
    said = []
    for s in g.sentences:
        marks = "".join(f"[{c.n}]" for c in s.citations)
        if s.supported:
            said.append(f"{strip_controls(s.text)} {marks}".rstrip())
        else:
            said.append(f"~~{strip_controls(s.text)}~~ (unsupported: "
                        f"{strip_controls('; '.join(s.issues))})")
    out = [f"**In words ({strip_controls(g.model)}):** " + " ".join(said), ""]
    if g.translation:
        out += [f"*Translated answer sentence:* {strip_controls(g.translation)}", ""]
    return out


def turn_markdown(question: str, result: AskResult | None, error: str | None = None) -> str:
    """One question with its answer and every citation, as Markdown."""
    out = [f"## {strip_controls(question)}", ""]
    if result is None:
        out += [f"*{strip_controls(error or 'not answered')}*", ""]
        return "\n".join(out)
    if result.context:
        out += ["*follow-up of: " + " / ".join(map(strip_controls, result.context)) + "*", ""]
    if result.filters is not None and result.filters.active:
        out += [f"*only articles with {strip_controls(result.filters.describe())}*", ""]
    if result.note:
        out += [f"*note: {strip_controls(result.note)}*", ""]
    out += _generated(result)
    if result.found and result.answer:
        out += [f"**Answer:** {strip_controls(result.answer.text)} [{result.answer.citation}]", ""]
    elif result.citations:
        out += ["**Not found.** Nearest passages (weak matches):", ""]
    else:
        out += ["**Not found.** No passage matches this question.", ""]
    for c in result.citations:
        out += [f"[{c.n}] {citation_heading(c)}  ", _where(c), "", _quote(c.text), ""]
    return "\n".join(out)


def transcript_markdown(turns: list[Turn], started: str) -> str:
    return "\n".join([f"# assistant chat, {started}", ""]
                     + [turn_markdown(q, result, error) for q, result, error in turns])


def default_transcript_path(index_dir: str, now: float | None = None) -> str:
    """A new file ``index_dir/transcripts/YYYY-MM-DD-HHMMSS.md``."""
    now = time.time() if now is None else now
    folder = os.path.join(index_dir, TRANSCRIPTS_DIR)
    stamp = time.strftime("%Y-%m-%d-%H%M%S", time.localtime(now))
    path = os.path.join(folder, f"{stamp}.md")
    n = 1
    while os.path.exists(path):  # two chats closed within a second
        n += 1
        path = os.path.join(folder, f"{stamp}-{n}.md")
    return path


def write_transcript(path: str, turns: list[Turn], started: float) -> str:
    """Write (or rewrite, as the chat goes on) the transcript at ``path``; a
    reader never sees half a file."""
    text = transcript_markdown(turns, time.strftime("%Y-%m-%d %H:%M", time.localtime(started)))
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return path
