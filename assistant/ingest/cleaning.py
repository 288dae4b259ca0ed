"""From decoded text to clean paragraphs: boilerplate dropped, controls stripped,
hard-wrapped lines re-joined."""

import re
from functools import cache
from importlib import resources

from assistant.text.normalize import normalize


@cache
def boilerplate_rules() -> tuple[re.Pattern[str], ...]:
    """The boilerplate patterns, kept as data in ``boilerplate.txt``."""
    text = resources.files(__package__).joinpath("boilerplate.txt").read_text("utf-8")
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append(re.compile(line, re.IGNORECASE))
    return tuple(rules)


def is_boilerplate(line: str) -> bool:
    line = line.strip()
    return any(rule.fullmatch(line) for rule in boilerplate_rules())


_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)\]]\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*•]|\d+[.)])\s+")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text.

    Blank lines always separate paragraphs. Inside a block, lines are one
    paragraph each (the usual shape of copied news text) unless the block looks
    hard-wrapped: most lines run on without ending a sentence. Then they are
    joined with spaces.
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) > 1 and _looks_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return [re.sub(r"[ \t]+", " ", p) for p in paragraphs]


def _looks_wrapped(lines: list[str]) -> bool:
    inner = lines[:-1]
    if any(_LIST_ITEM.match(ln) for ln in lines):
        return False
    run_on = sum(1 for ln in inner if not _SENTENCE_END.search(ln))
    return run_on * 2 > len(inner)


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Normalise and drop boilerplate and empty paragraphs."""
    out = []
    for p in paragraphs:
        p = normalize(p).strip()
        if p and not is_boilerplate(p):
            out.append(p)
    return out
