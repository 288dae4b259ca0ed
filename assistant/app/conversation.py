"""Conversations: a follow-up question is searched with the turn before it as context.

"How many troops were sent?" then "and where were they sent?": the second
question alone names nothing to search for. A follow-up is recognised by how
it reads (it opens with "and"/"dan", points back with "they"/"mereka"/"-nya",
or names at most one thing), and is then searched together with the previous
question. A question that stands on its own is searched alone, so a new topic
is not dragged towards the old one.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.query.options import NO_FILTERS, Filters
from assistant.results import AskResult
from assistant.text.analysis import query_terms
from assistant.text.normalize import fold, words

# A follow-up carries at most this many earlier questions, so context does not
# pile up over a long chat.
MAX_CONTEXT_QUESTIONS = 2

OPENERS = (
    "and", "but", "so", "also", "then", "or", "what about", "how about", "what else",
    "dan", "lalu", "terus", "kemudian", "tapi", "tetapi", "namun", "juga", "atau", "serta",
    "bagaimana dengan", "kalau", "selain itu",
)
ANAPHORA = {
    "they", "them", "their", "theirs", "it", "its", "he", "him", "his", "she", "her", "hers",
    "this", "these", "those", "there", "then",
    "mereka", "dia", "ia", "beliau", "itu", "tersebut", "sana", "situ", "nya",
}
# Indonesian words that end in "-nya" without pointing back at anything.
_NYA_WORDS = {"hanya", "punya", "tanya", "bertanya", "ditanya", "menanyakan", "sanya", "nyanya",
              "bahwasanya", "sebenarnya", "seharusnya", "biasanya", "sebaiknya", "akhirnya",
              "selanjutnya", "sebelumnya", "sesudahnya", "setelahnya", "lainnya", "semuanya"}


def is_follow_up(question: str) -> bool:
    """Whether ``question`` leans on an earlier turn to be understood."""
    toks = [fold(w) for w in words(question)]
    if not toks:
        return False
    head = " ".join(toks[:2])
    if any(head == o or head.startswith(o + " ") for o in OPENERS):
        return True
    for t in toks:
        if t in ANAPHORA:
            return True
        if len(t) > 5 and t.endswith("nya") and t not in _NYA_WORDS:
            return True
    return len(query_terms(question)) <= 1


def context_of(questions: list[str]) -> list[str]:
    """The earlier questions that the last of ``questions`` is searched with, as
    a ``Conversation`` asking them in turn gives: for clients that send the
    whole chat with each question (the OpenAI-compatible face)."""
    context: list[str] = []
    for before, question in zip([None, *questions], questions):
        if before is None or not is_follow_up(question):
            context = []
        else:
            context = (context + [before])[-MAX_CONTEXT_QUESTIONS:]
    return context


@dataclass
class Turn:
    question: str
    context: list[str]  # the earlier questions it was searched with
    result: AskResult


class _Asks(Protocol):
    """What a conversation needs of the service (not imported: the query
    package sits below it)."""

    def ask(self, *args: Any, **kwargs: Any) -> AskResult: ...

    def generate(self, *args: Any, **kwargs: Any) -> AskResult: ...


@dataclass
class Conversation:
    """Turns of one chat. ``ask`` answers with the earlier turns as context.
    ``filters`` hold for every question until changed: a follow-up is searched
    among the same articles as the question before it."""

    service: _Asks  # assistant.app.service.Assistant
    turns: list[Turn] = field(default_factory=list)
    filters: Filters = NO_FILTERS

    def context_for(self, question: str) -> list[str]:
        if not self.turns or not is_follow_up(question):
            return []
        last = self.turns[-1]
        return (last.context + [last.question])[-MAX_CONTEXT_QUESTIONS:]

    def ask(self, question: str, filters: Filters | None = None, **options: Any) -> AskResult:
        """``filters``, when given, hold from this question on (``NO_FILTERS`` clears them)."""
        if filters is not None:
            self.filters = filters
        context = self.context_for(question)
        result = self.service.ask(question, context=context, filters=self.filters, **options)
        self.turns.append(Turn(result.question, context, result))
        return result

    def history(self) -> list[tuple[str, str]]:
        """Turns before the last as (question, answer) for a language model: the
        generated answer where there is one, else the extractive sentence."""
        from assistant.llm.prompt import REFUSAL  # the model's own way to say "not found"

        out = []
        for turn in self.turns[:-1]:
            r = turn.result
            if r.generated is not None and not r.generated.error:
                answer = r.generated.text
            else:
                answer = r.answer.text if r.found and r.answer else REFUSAL
            out.append((turn.question, answer))
        return out

    def generate(self, result: AskResult, **options: Any) -> AskResult:
        """The last turn's ``result`` with the LLM's answer, the earlier turns sent
        along; the turn keeps the generated answer for the turns after it."""
        asked = result
        result = self.service.generate(result, history=self.history(), **options)
        for turn in self.turns:  # by identity: a cancelled chat answer may end late
            if turn.result is asked:
                turn.result = result
        return result

    def reset(self) -> None:
        self.turns.clear()
