"""What a reader knows when reading a passage: its article's title.

A paragraph such as "Bentang sepanjang 1,4 kilometer itu ..." never names the
bridge; its title does. The context is matched (embedded and keyword indexed)
along with the passage, while citations keep the passage's own text and
offsets. On news_dev (hybrid, k 10, e5-small) the title alone did best: R@1 /
R@5 / MRR 0.517 / 0.717 / 0.601 with no context, 0.550 / 0.867 / 0.694 with
the title, 0.533 / 0.783 / 0.637 with the title and the lead sentence (the lead
pulls every passage of an article towards the lead's topic).
"""

from assistant.text.sentences import split_sentences

# The context goes in front of the passage within the model's window: e5's 512
# tokens hold a 1,000-character passage and this with room to spare, and for
# smaller windows the context takes at most a quarter of the passage budget.
MAX_CONTEXT_CHARS = 300


def _lead_sentence(text: str) -> str:
    first = split_sentences(text)
    return first[0] if first else ""


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def passage_contexts(title: str | None, passages: list[str], max_passage_chars: int = 1000,
                     parts: tuple[str, ...] = ("title",)) -> list[str]:
    """The context of each passage of one article ("" where it adds nothing).

    ``parts``: "title", and "lead" (the first sentence of the first passage,
    for the passages after it), which measured worse. The title is left out of
    a passage that already holds it, and altogether where it is the start of
    the article's own lead (a .jsonl article without a title is titled so):
    the lead as context measured worse, and a collection of bare paragraphs,
    long ones split in several passages included, is embedded as before.
    """
    limit = min(MAX_CONTEXT_CHARS, max_passage_chars // 4)
    title = (title or "").strip().rstrip("…").strip()
    if passages and passages[0].startswith(title):
        title = ""  # the article's own lead standing in for a title: no context
    lead = _lead_sentence(passages[0]) if passages and "lead" in parts else ""
    out = []
    for i, text in enumerate(passages):
        bits = []
        if "title" in parts and title and title not in text:
            bits.append(title)
        if i > 0 and lead and lead not in text:
            bits.append(lead)
        out.append(_clip(". ".join(b.rstrip(". ") for b in bits), limit) if bits else "")
    return out


def with_context(context: str, text: str) -> str:
    """The text that is embedded for a passage."""
    return f"{context}.\n{text}" if context else text
