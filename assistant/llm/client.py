"""Streaming chat completions from an OpenAI-compatible server (httpx + httpx-sse).

Every wait is bounded: reaching the server by the connect limit, the response
and its first token by the first-token limit (which also bounds any later gap
between tokens), and the whole answer by the total limit, checked as each
token arrives. Each way the server can fail becomes one ``LLMFailure`` with a
sentence that says what happened.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.llm.config import LLMConfig


class LLMFailure(Exception):
    """The server did not give a complete answer; ``kind`` says why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # unreachable, timeout, http, malformed, cut, cancelled
        self.message = message


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    first_token_s: float | None
    total_s: float


def stream_chat(config: LLMConfig, messages: list[dict],
                on_token: Callable[[str], None] | None = None,
                cancel: threading.Event | None = None) -> Completion:
    """Send ``messages``; call ``on_token`` with each piece of text as it arrives."""
    import httpx
    from httpx_sse import SSEError, connect_sse

    timeout = httpx.Timeout(connect=config.connect_timeout, read=config.first_token_timeout,
                            write=config.connect_timeout, pool=config.connect_timeout)
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    body = {"model": config.model, "messages": messages, "stream": True,
            "max_tokens": config.max_tokens, "temperature": config.temperature}
    url = config.url + "/chat/completions"
    start = time.monotonic()
    parts: list[str] = []
    first: float | None = None
    model, finished = config.model, False
    try:
        with httpx.Client(timeout=timeout, headers=headers) as client, \
                connect_sse(client, "POST", url, json=body) as source:
            response = source.response
            if response.status_code >= 400:
                response.read()
                raise LLMFailure("http", f"the LLM server answered HTTP {response.status_code}: "
                                         f"{_snippet(response.text)}")
            for event in source.iter_sse():
                if cancel is not None and cancel.is_set():
                    raise LLMFailure("cancelled", "generation cancelled")
                if time.monotonic() - start > config.total_timeout:
                    raise LLMFailure("timeout", f"the LLM answer took longer than "
                                                f"{config.total_timeout:g} s")
                if event.data.strip() == "[DONE]":
                    finished = True
                    break
                chunk = _parse_chunk(event.data)
                model = chunk.get("model") or model
                for choice in chunk.get("choices") or []:
                    piece = (choice.get("delta") or {}).get("content") or ""
                    if piece:
                        if first is None:
                            first = time.monotonic() - start
                        parts.append(piece)
                        if on_token is not None:
                            on_token(piece)
                    if choice.get("finish_reason"):
                        finished = True
    except LLMFailure:
        raise
    except httpx.ConnectTimeout:
        raise LLMFailure("unreachable", f"the LLM server at {config.url} did not answer within "
                                        f"{config.connect_timeout:g} s") from None
    except httpx.ConnectError as e:
        raise LLMFailure("unreachable", f"cannot reach the LLM server at {config.url} "
                                        f"({_snippet(str(e))})") from None
    except httpx.ReadTimeout:
        what = "first token" if first is None else "next token"
        raise LLMFailure("timeout", f"no {what} from the LLM server within "
                                    f"{config.first_token_timeout:g} s") from None
    except (httpx.RemoteProtocolError, httpx.ReadError):
        raise LLMFailure("cut", "the LLM server closed the stream before the answer was "
                                "complete") from None
    except SSEError as e:
        raise LLMFailure("malformed", f"the LLM server did not send an event stream "
                                      f"({_snippet(str(e))})") from None
    except httpx.HTTPError as e:
        raise LLMFailure("http", f"LLM request failed: {type(e).__name__}: "
                                 f"{_snippet(str(e))}") from None
    if not finished:
        raise LLMFailure("cut", "the LLM stream ended before the answer was complete")
    return Completion("".join(parts), model, first, time.monotonic() - start)


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
