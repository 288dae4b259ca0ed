"""An answer: waiting for it, the LLM's words as they stream, and the card
with the answering sentence and its citations."""

import dataclasses

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from assistant.results import AskResult, Generated
from assistant.tui.text import SPAN_STYLE, highlighted, safe
from assistant.tui.widgets.citations import CitationCard


class PendingAnswer(Static):
    def __init__(self, turn_id: int, label: str) -> None:
        super().__init__(Text(label), classes="pending", id=f"pending-{turn_id}")

    def searching(self) -> None:
        self.update(Text("searching…"))

    def waiting(self, text: str) -> None:
        self.update(Text(text))


class GeneratedView(Static):
    """The LLM's answer: its text as it streams, then each sentence checked —
    supported ones with their citations, unsupported ones marked and why."""

    def __init__(self) -> None:
        super().__init__(Text("writing an answer… (Escape cancels)", style="dim"),
                         classes="generated")
        self._streamed = ""

    def append(self, piece: str) -> None:
        self._streamed += piece
        self.update(Text(safe(self._streamed) + " …"))

    def show(self, result: AskResult) -> None:
        g = result.generated
        if g is None:
            self.display = False
            return
        if g.error:
            self.update(Text(f"No generated answer: {safe(g.error)}. The extractive answer "
                             "below stands.", style="dim"))
            return
        if g.refused:
            self.update(Text("The model found no answer in the passages.", style="dim"))
            return
        text = Text()
        for i, s in enumerate(g.sentences):
            if i:
                text.append(" ")
            if s.supported:
                text.append(safe(s.text))
                text.append(" " + "".join(f"[{c.n}]" for c in s.citations), style="bold")
            else:
                text.append(safe(s.text), style="strike dim")
                text.append(" (unsupported: " + safe("; ".join(s.issues)) + ")", style="red")
        if g.translation:
            text.append("\n" + safe(g.translation), style="italic")
        self.update(text)
        self.add_class("checked")


class AnswerCard(Vertical):
    """The answer sentence and its citations; a not-found answer looks different.
    ``generating``: an LLM is writing an answer in words above it."""

    def __init__(self, result: AskResult, generating: bool = False, id: str | None = None) -> None:
        found = result.found
        super().__init__(classes="answer" + ("" if found else " not-found"), id=id)
        self.result = result
        self.generating = generating
        self.border_title = "Answer" if found else "Not found"

    def append_token(self, piece: str) -> None:
        self.query_one(GeneratedView).append(piece)

    def show_generated(self, result: AskResult) -> None:
        """The checked answer replaces the stream; a refusal turns the card not-found."""
        self.result = result
        self.generating = False
        self.query_one(GeneratedView).show(result)
        if not result.found:
            self.add_class("not-found")
            self.border_title = "Not found"

    def stop_generating(self) -> None:
        """The LLM's answer was cancelled: the extractive answer stays."""
        stopped = Generated("", "", [], error="generation cancelled")
        self.show_generated(dataclasses.replace(self.result, generated=stopped))

    def compose(self) -> ComposeResult:
        r = self.result
        if self.generating:
            yield GeneratedView()
        if r.context:
            yield Static(Text("follow-up of: " + " / ".join(safe(c) for c in r.context)),
                         classes="context")
        if r.filters is not None and r.filters.active:
            yield Static(Text("only articles with " + safe(r.filters.describe())),
                         classes="context")
        if r.note:
            yield Static(Text("note: " + safe(r.note)), classes="context")
        yield self._answer_text()
        for c in r.citations:
            yield CitationCard(c, weak=not r.found, question=r.question)

    def _answer_text(self) -> Static:
        r = self.result
        if r.found and r.answer:
            ans = r.answer
            span = ans.span
            text = highlighted(ans.text, span.start if span else None, span.end if span else None,
                               SPAN_STYLE)
            text.append(f" [{ans.citation}]", style="bold")
            return Static(text, classes="answer-text")
        if r.citations:
            return Static(Text("The indexed articles do not seem to answer this. "
                               "Nearest passages (weak matches):"), classes="answer-text")
        return Static(Text("No passage matches this question."), classes="answer-text")
