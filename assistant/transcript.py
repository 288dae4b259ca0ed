"""The chat's transcript, kept as Markdown when the chat closes: what was
asked, what was answered, and the passages cited."""

import os
import time

from assistant.results import AskResult
from assistant.textutil import strip_controls
from assistant.wording import citation_heading

TRANSCRIPTS_DIR = "transcripts"

# (question, its result, or the error that answered it instead)
Turn = tuple[str, AskResult | None, str | None]


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in strip_controls(text).split("\n"))


def transcript_markdown(turns: list[Turn], started: str) -> str:
    out = [f"# assistant chat, {started}", ""]
    for question, result, error in turns:
        out += [f"## {strip_controls(question)}", ""]
        if result is None:
            out += [f"*{strip_controls(error or 'not answered')}*", ""]
            continue
        if result.context:
            out += ["*follow-up of: " + " / ".join(map(strip_controls, result.context)) + "*", ""]
        if result.found and result.answer:
            out += [f"**Answer:** {strip_controls(result.answer.text)} [{result.answer.citation}]",
                    ""]
        else:
            out += ["**Not found.** Nearest passages (weak matches):", ""]
        for c in result.citations:
            out += [f"[{c.n}] {citation_heading(c)}  ", f"`{strip_controls(c.article.path)}`", "",
                    _quote(c.text), ""]
    return "\n".join(out)


def save_transcript(index_dir: str, turns: list[Turn], now: float | None = None) -> str | None:
    """Write ``index_dir/transcripts/YYYY-MM-DD-HHMMSS.md``; its path, or None
    when there was nothing to keep."""
    if not turns:
        return None
    now = time.time() if now is None else now
    folder = os.path.join(index_dir, TRANSCRIPTS_DIR)
    os.makedirs(folder, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d-%H%M%S", time.localtime(now))
    path = os.path.join(folder, f"{stamp}.md")
    n = 1
    while os.path.exists(path):  # two chats closed within a second
        n += 1
        path = os.path.join(folder, f"{stamp}-{n}.md")
    text = transcript_markdown(turns, time.strftime("%Y-%m-%d %H:%M", time.localtime(now)))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
