"""An extractive result turned into a generated, checked one.

The extractive answer is computed first and always kept: when the server fails
or generation is cancelled, the result says why (``generated.error`` and
``note``) and stands as it was.
"""

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence

from assistant.llm.checking import check_answer
from assistant.llm.client import LLMFailure, stream_chat
from assistant.llm.config import LLMConfig
from assistant.llm.prompt import build_messages, question_language, translation_messages
from assistant.results import AskResult, Generated


def generate(result: AskResult, config: LLMConfig, history: Sequence[tuple[str, str]] = (),
             on_token: Callable[[str], None] | None = None,
             cancel: threading.Event | None = None, translate: bool = False) -> AskResult:
    """``result`` with ``generated`` filled in (and ``found`` false on a refusal)."""
    citations = result.citations[:config.passages]
    if not citations:  # nothing to read: the model is not asked
        return result
    messages = build_messages(result.question, citations, history)
    start = time.monotonic()
    try:
        done = stream_chat(config, messages, on_token=on_token, cancel=cancel)
    except LLMFailure as e:
        generated = Generated("", config.model, [], error=e.message,
                              total_s=round(time.monotonic() - start, 3))
        note = "; ".join(x for x in (result.note, f"LLM answer unavailable: {e.message}; "
                                     "the extractive answer stands") if x)
        return dataclasses.replace(result, generated=generated, note=note)
    sentences, refused = check_answer(done.text, citations, deadline=done.deadline)
    generated = Generated(done.text, done.model, sentences, refused,
                          _round(done.first_token_s), _round(done.total_s))
    if done.cut:  # a server that ignores max_tokens: what it wrote past the limit is dropped
        result = dataclasses.replace(result, note="; ".join(x for x in (
            result.note, f"the LLM answer was cut at {done.cut}") if x))
    if refused:
        return dataclasses.replace(result, generated=generated, found=False, answer=None)
    if translate and result.answer is not None:
        generated = dataclasses.replace(generated, translation=_translate(
            result.answer.text, question_language(result.question), config, cancel))
    return dataclasses.replace(result, generated=generated)


def _translate(text: str, language: str, config: LLMConfig,
               cancel: threading.Event | None) -> str | None:
    try:
        return translate_text(text, language, config, cancel)
    except LLMFailure:
        return None


def translate_text(text: str, language: str, config: LLMConfig,
                   cancel: threading.Event | None = None) -> str:
    """``text`` in ``language`` (e.g. a cited passage shown to an English reader)."""
    return stream_chat(config, translation_messages(text, language), cancel=cancel).text.strip()


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)
