"""Checked citations: what a generated sentence claims, against the passages it cites.

- A marker that points outside the supplied passages is removed (and said so).
- A sentence with no marker left is unsupported.
- A sentence whose figures, dates or names do not occur in a passage it cites
  (compared as ``assistant.llm.facts`` normalises them) is unsupported.

Unsupported sentences are kept and flagged, never dropped. Each citation of a
sentence maps to the sentence of its passage that bears the claim out.
"""

import re

from assistant.llm.facts import Evidence, extract, unsupported_facts
from assistant.llm.prompt import is_refusal
from assistant.results import Citation, GeneratedSentence, SentenceCitation, Span
from assistant.sentences import sentence_spans
from assistant.textutil import fold

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+")


def check_answer(text: str, citations: list[Citation]) -> tuple[list[GeneratedSentence], bool]:
    """The checked sentences of ``text``, and whether it is the fixed refusal."""
    if is_refusal(text):
        return [], True
    pieces = _sentences_with_markers(text)
    return [_check_sentence(body, markers, citations) for body, markers in pieces], False


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


def _check_sentence(body: str, markers: list[int], citations: list[Citation]) -> GeneratedSentence:
    issues = []
    valid = list(dict.fromkeys(n for n in markers if 1 <= n <= len(citations)))
    for n in dict.fromkeys(n for n in markers if n not in valid):
        issues.append(f"marker [{n}] points to no supplied passage; removed")
    if not valid:
        return GeneratedSentence(body, [], False, issues + ["no citation"])
    cited = [citations[n - 1] for n in valid]
    missing = _missing(body, cited)
    if missing:
        issues.append("not in the cited passages: " + ", ".join(missing))
    cites = [SentenceCitation(c.n, _best_sentence(body, c)) for c in cited]
    return GeneratedSentence(body, cites, not missing, issues)


def _missing(body: str, cited: list[Citation]) -> list[str]:
    return unsupported_facts(body, Evidence.of([_evidence_text(c) for c in cited]))


def _evidence_text(c: Citation) -> str:
    """What the model was shown of a passage: its heading counts as evidence too."""
    a = c.article
    return "\n".join(x for x in (a.title, a.source, a.date, c.text) if x)


def _best_sentence(body: str, citation: Citation) -> Span:
    """The sentence of the passage that shares most facts, then most words, with
    ``body``; the passage's own highlighted sentence when none shares any."""
    facts = extract(body, skip_first_word=False)
    wanted = {fold(w) for w in re.findall(r"\w{3,}", body)}
    best, best_score = citation.sentence, (0, 0)
    for a, b in sentence_spans(citation.text):
        sentence = citation.text[a:b]
        ev = Evidence.of([sentence])
        fact_hits = sum(ev.has_figure(r) for _, r in facts.figures) + \
            sum(ev.has_date(d) for _, d in facts.dates) + sum(ev.has_name(n) for n in facts.names)
        score = (fact_hits, len(wanted & ev.words))
        if score > best_score:
            best, best_score = Span(a, b), score
    return best
