"""Streaming chat completions from an OpenAI-compatible server (httpx).

Every wait is bounded by one ``Clock`` (see ``assistant.llm.clock``): reaching
the server, the first token, any gap between tokens and the whole answer. Its
watchdog shuts the connection down when a limit passes or the caller cancels,
so no byte pattern (comments only, one endless line) can hold a read open.
The answer is cut at ``max_tokens`` pieces and ``answer_byte_limit`` bytes.
Each way the server can fail becomes one ``LLMFailure`` with a sentence that
says what happened.
"""

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.llm.clock import Clock, LLMFailure
from assistant.llm.config import LLMConfig
from assistant.llm.sse import events
from assistant.text.masking import mask_url

if TYPE_CHECKING:
    import httpx

__all__ = ["Completion", "LLMFailure", "answer_byte_limit", "stream_chat"]


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    first_token_s: float | None
    total_s: float
    cut: str | None = None  # why the answer was cut short ("400 tokens"), if it was
    deadline: float | None = None  # the clock's end (monotonic): checking must end by it


def answer_byte_limit(config: LLMConfig) -> int:
    """The most UTF-8 bytes of answer kept: far above what ``max_tokens`` writes."""
    return max(16 * 1024, 16 * config.max_tokens)


def stream_chat(config: LLMConfig, messages: list[dict],
                on_token: Callable[[str], None] | None = None,
                cancel: threading.Event | None = None) -> Completion:
    """Send ``messages``; call ``on_token`` with each piece of text as it arrives."""
    with Clock(config.total_timeout, config.first_token_timeout, cancel,
               config.connect_timeout) as clock:
        try:
            return _stream(config, messages, on_token, clock)
        except LLMFailure:
            raise
        except Exception as e:
            raise _failure(e, config, clock) from None


def _stream(config: LLMConfig, messages: list[dict], on_token: Callable[[str], None] | None,
            clock: Clock) -> Completion:
    import httpx

    limit = min(config.first_token_timeout, config.total_timeout)
    timeout = httpx.Timeout(connect=min(config.connect_timeout, config.total_timeout),
                            read=limit, write=limit, pool=limit)
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    body = {"model": config.model, "messages": messages, "stream": True,
            "max_tokens": config.max_tokens, "temperature": config.temperature}

    def trace(event: str, info: dict) -> None:  # the socket, as soon as it is connected
        if event.endswith("connect_tcp.complete") and info.get("return_value") is not None:
            sock = info["return_value"].get_extra_info("socket")
            if sock is not None:
                clock.watch(sock)

    with httpx.Client(timeout=timeout, headers=headers) as client, \
            client.stream("POST", config.url + "/chat/completions", json=body,
                          extensions={"trace": trace}) as response:
        clock.check()
        if response.status_code >= 400:
            raise LLMFailure("http", f"the LLM server answered HTTP {response.status_code}: "
                                     f"{_snippet(_head(response, clock))}")
        kind = response.headers.get("content-type", "")
        if "text/event-stream" not in kind:
            raise LLMFailure("malformed", "the LLM server did not send an event stream "
                                          f"(content type {_snippet(kind) or 'none'})")
        return _read(config, response.iter_raw(), on_token, clock)


def _read(config: LLMConfig, chunks: Iterable[bytes], on_token: Callable[[str], None] | None,
          clock: Clock) -> Completion:
    parts: list[str] = []
    model, size, byte_limit = config.model, 0, answer_byte_limit(config)
    for data in events(chunks, clock):
        if data.strip() == "[DONE]":
            return _done(parts, model, clock)
        chunk = _parse_chunk(data)
        model = chunk.get("model") or model
        for choice in chunk.get("choices") or []:
            piece = (choice.get("delta") or {}).get("content") or ""
            if piece:
                clock.token()
                size += len(piece.encode("utf-8", "replace"))
                if size > byte_limit:
                    return _done(parts, model, clock, f"{byte_limit // 1024} KB")
                parts.append(piece)
                if on_token is not None:
                    on_token(piece)
                if len(parts) >= config.max_tokens:  # the server ignored max_tokens
                    return _done(parts, model, clock, f"{config.max_tokens} tokens")
            if choice.get("finish_reason"):
                return _done(parts, model, clock)
    clock.check()  # the watchdog may have ended the stream
    raise LLMFailure("cut", "the LLM stream ended before the answer was complete")


def _done(parts: list[str], model: str, clock: Clock, cut: str | None = None) -> Completion:
    return Completion("".join(parts), model, clock.first_token_s, clock.elapsed(), cut,
                      clock.end)


def _head(response: "httpx.Response", clock: Clock, limit: int = 4096) -> str:
    """The start of an error body: read no further than ``limit`` bytes."""
    got = b""
    for chunk in response.iter_raw():
        clock.check()
        got += chunk
        if len(got) >= limit:
            break
    return got[:limit].decode("utf-8", "replace")


def _failure(e: Exception, config: LLMConfig, clock: Clock) -> LLMFailure:
    """What an httpx error means: the clock's own reason first (its watchdog
    shut the socket, which surfaces as a read error)."""
    import httpx

    if clock.fired is not None:
        return clock.fired
    if isinstance(e, httpx.ConnectTimeout):
        return LLMFailure("unreachable", f"the LLM server at {mask_url(config.url)} did not answer "
                                         f"within {config.connect_timeout:g} s")
    if isinstance(e, httpx.ConnectError):
        return LLMFailure("unreachable", f"cannot reach the LLM server at {mask_url(config.url)} "
                                         f"({_snippet(str(e))})")
    if isinstance(e, httpx.TimeoutException):
        return clock.failure() or LLMFailure(
            "timeout", f"no {'first' if clock.first_token_s is None else 'next'} token from "
                       f"the LLM server within {config.first_token_timeout:g} s")
    if isinstance(e, (httpx.RemoteProtocolError, httpx.ReadError)):
        return LLMFailure("cut", "the LLM server closed the stream before the answer was "
                                 "complete")
    if isinstance(e, httpx.HTTPError):
        return LLMFailure("http", f"LLM request failed: {type(e).__name__}: {_snippet(str(e))}")
    raise e


def _parse_chunk(data: str) -> dict:
    try:
        chunk = json.loads(data)
    except ValueError:
        raise LLMFailure("malformed", f"the LLM server sent malformed JSON: {_snippet(data)}") \
            from None
    if not isinstance(chunk, dict):
        raise LLMFailure("malformed", f"the LLM server sent unexpected JSON: {_snippet(data)}")
    if chunk.get("error"):
        raise LLMFailure("http", f"the LLM server reported an error: {_snippet(str(chunk['error']))}")
    return chunk


def _snippet(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"
