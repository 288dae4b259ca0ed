"""A small OpenAI-compatible server on 127.0.0.1 that replays scripted responses,
one per request, and records what it was sent. Waits are on events, not sleeps."""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def chunk(content: str | None = None, finish: str | None = None, model: str = "scripted") -> dict:
    return {"id": "x", "object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": {"content": content} if content else {},
                         "finish_reason": finish}]}


def stream(text: str, pieces: int = 3) -> dict:
    """A complete streamed answer of ``text`` in a few pieces."""
    step = max(1, len(text) // pieces)
    parts = [text[i:i + step] for i in range(0, len(text), step)]
    return {"events": [chunk(p) for p in parts] + [chunk(finish="stop")], "done": True}


@dataclass
class ScriptedServer:
    responses: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    gone: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    arrived: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    url: str = ""

    def script(self, *responses: dict) -> None:
        self.responses[:] = list(responses)
        self.requests.clear()


def serve() -> tuple[ThreadingHTTPServer, ScriptedServer]:
    state = ScriptedServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the body ends when the connection closes

        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append({"path": self.path, "body": json.loads(body),
                                   "auth": self.headers.get("Authorization")})
            state.arrived.release()
            r = state.responses.pop(0) if state.responses else stream("NOT FOUND")
            if r.get("hang"):  # never answers: the client's first-token limit must end it
                state.release.wait(60)
                return
            if "status" in r:
                self.send_response(r["status"])
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"error": {"message": "scripted failure"}}).encode())
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            if "raw" in r or "repeat" in r:
                self.misbehave(r)
                return
            for event in r.get("events", []):
                data = event if isinstance(event, str) else json.dumps(event)
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()
            if r.get("stall"):  # some tokens, then silence
                state.release.wait(60)
                return
            if r.get("done"):
                self.wfile.write(b"data: [DONE]\n\n")

        def misbehave(self, r: dict) -> None:
            """``raw``: these bytes, then hang until released; ``repeat``: these
            bytes again and again, every ``every`` s, for at most ``seconds``.
            A client that closes the connection is counted in ``state.gone``."""
            try:
                for piece in r.get("raw", []):
                    self.wfile.write(piece)
                    self.wfile.flush()
                if "repeat" in r:
                    for _ in range(int(r.get("seconds", 15) / r.get("every", 0.02))):
                        if state.release.wait(r.get("every", 0.02)):
                            return
                        self.wfile.write(r["repeat"])
                        self.wfile.flush()
                elif not r.get("close"):
                    state.release.wait(r.get("seconds", 15))
            except OSError:
                state.gone.release()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, state


def unresponsive_port() -> tuple[socket.socket, list[socket.socket], int]:
    """A listening socket whose accept queue is full and never drained: a new
    connection to it waits for the TCP handshake until the client gives up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    return listener, fillers, port


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
