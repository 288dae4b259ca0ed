"""Checked citations: what a generated sentence claims, against the passages it cites.

- A marker that points outside the supplied passages is removed (and said so).
- A sentence with no marker left is unsupported.
- A sentence whose figures, dates or names do not occur in a passage it cites
  (compared as ``assistant.llm.facts`` normalises them) is unsupported.

- A sentence with a URL, or one that tells the reader to do something ("visit",
  "click", "log in", "confirm"), is unsupported even when a passage says the
  same: an article's text may address the model, a news answer never does.

Unsupported sentences are kept and flagged, never dropped. Each citation of a
sentence maps to the sentence of its passage that bears the claim out.
Checking is linear in the answer: each passage is read once, and sentences left
when the LLM's time limit has passed are flagged unchecked.
"""

import re
import time
from dataclasses import dataclass

from assistant.llm.facts import Evidence, extract, unsupported_facts
from assistant.llm.prompt import is_refusal
from assistant.llm.reader import addresses_reader
from assistant.results import Citation, GeneratedSentence, SentenceCitation, Span
from assistant.text.normalize import fold
from assistant.text.sentences import sentence_spans

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+")


def check_answer(text: str, citations: list[Citation], deadline: float | None = None
                 ) -> tuple[list[GeneratedSentence], bool]:
    """The checked sentences of ``text``, and whether it is the fixed refusal.
    Sentences not reached by ``deadline`` (monotonic) are flagged unchecked."""
    if is_refusal(text):
        return [], True
    passages = [_Passage.of(c) for c in citations]
    out = []
    for body, markers in _sentences_with_markers(text):
        if deadline is not None and time.monotonic() > deadline:
            out.append(GeneratedSentence(body, [], False, ["not checked: the LLM time limit "
                                                           "ran out"]))
        else:
            out.append(_check_sentence(body, markers, passages))
    return out, False


@dataclass
class _Passage:
    """A cited passage's facts, read once for every sentence that cites it."""

    citation: Citation
    evidence: Evidence
    sentences: list[tuple[Span, Evidence]]

    @classmethod
    def of(cls, c: Citation) -> "_Passage":
        spans = [(Span(a, b), Evidence.of([c.text[a:b]])) for a, b in sentence_spans(c.text)]
        return cls(c, Evidence.of([_evidence_text(c)]), spans)


def _sentences_with_markers(text: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, its marker numbers). Markers that open a
    sentence ("… Kursk. [1] The …") belong to the sentence before."""
    out: list[tuple[str, list[int]]] = []
    for a, b in sentence_spans(text):
        sentence = text[a:b]
        lead = _LEADING_MARKERS.match(sentence)
        if lead and out:
            out[-1][1].extend(_numbers(lead.group(0)))
            sentence = sentence[lead.end():]
        markers = _numbers(sentence)
        body = " ".join(_MARKER.sub(" ", sentence).split())
        body = re.sub(r"\s+([.,;:!?])", r"\1", body)
        if body:
            out.append((body, markers))
        elif out:
            out[-1][1].extend(markers)
    return out


def _numbers(text: str) -> list[int]:
    return [int(n) for m in _MARKER.finditer(text) for n in re.split(r"[,;]", m.group(1))]


def _check_sentence(body: str, markers: list[int], passages: list[_Passage]
                    ) -> GeneratedSentence:
    issues = []
    valid = list(dict.fromkeys(n for n in markers if 1 <= n <= len(passages)))
    for n in dict.fromkeys(n for n in markers if n not in valid):
        issues.append(f"marker [{n}] points to no supplied passage; removed")
    if not valid:
        return GeneratedSentence(body, [], False, issues + ["no citation"])
    cited = [passages[n - 1] for n in valid]
    missing = unsupported_facts(body, Evidence.union([p.evidence for p in cited]))
    if missing:
        issues.append("not in the cited passages: " + ", ".join(missing))
    addressed = addresses_reader(body)
    issues += addressed
    cites = [SentenceCitation(p.citation.n, _best_sentence(body, p)) for p in cited]
    return GeneratedSentence(body, cites, not missing and not addressed, issues)


def _evidence_text(c: Citation) -> str:
    """What the model was shown of a passage: its heading counts as evidence too."""
    a = c.article
    return "\n".join(x for x in (a.title, a.source, a.date, c.text) if x)


def _best_sentence(body: str, passage: _Passage) -> Span:
    """The sentence of the passage that shares most facts, then most words, with
    ``body``; the passage's own highlighted sentence when none shares any."""
    facts = extract(body, skip_first_word=False)
    wanted = {fold(w) for w in re.findall(r"\w{3,}", body)}
    best, best_score = passage.citation.sentence, (0, 0)
    for span, ev in passage.sentences:
        fact_hits = sum(ev.has_figure(r) for _, r in facts.figures) + \
            sum(ev.has_date(d) for _, d in facts.dates) + sum(ev.has_name(n) for n in facts.names)
        score = (fact_hits, len(wanted & ev.words))
        if score > best_score:
            best, best_score = span, score
    return best
