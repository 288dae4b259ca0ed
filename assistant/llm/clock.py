"""One clock for every wait on the LLM server.

A ``Clock`` holds the total limit, the token limit (to the first token, then
between tokens) and the caller's cancel event. A watchdog thread watches it
and, when a limit passes or the caller cancels, shuts the connection's socket
down: a read blocked on a silent server, or on one that sends a byte at a time
or only ``: ping`` comments, then ends at once, whatever bytes arrive.
"""

import socket
import threading
import time


class LLMFailure(Exception):
    """The server did not give a complete answer; ``kind`` says why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # unreachable, timeout, http, malformed, cut, cancelled
        self.message = message


POLL_S = 0.05  # how soon a cancel set by another thread is noticed


class Clock:
    def __init__(self, total_s: float, token_s: float, cancel: threading.Event | None = None,
                 connect_s: float = 0.0) -> None:
        self.start = time.monotonic()
        self.end = self.start + total_s
        self.total_s, self.token_s = total_s, token_s
        self.cancel = cancel
        self.first_token_s: float | None = None
        self._token_end = self.start + connect_s + token_s  # reaching it has its own limit
        self.fired: LLMFailure | None = None  # why the watchdog cut the connection
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        return max(0.0, min(self.end, self._token_end) - time.monotonic())

    def token(self) -> None:
        """A token arrived: the next one has ``token_s`` again."""
        now = time.monotonic()
        if self.first_token_s is None:
            self.first_token_s = now - self.start
        self._token_end = now + self.token_s

    def failure(self) -> LLMFailure | None:
        """Why the request must end now, or None."""
        if self.cancel is not None and self.cancel.is_set():
            return LLMFailure("cancelled", "generation cancelled")
        now = time.monotonic()
        if now >= self.end:
            return LLMFailure("timeout", f"the LLM answer took longer than {self.total_s:g} s")
        if now >= self._token_end:
            what = "first token" if self.first_token_s is None else "next token"
            return LLMFailure("timeout", f"no {what} from the LLM server within "
                                         f"{self.token_s:g} s")
        return None

    def check(self) -> None:
        failure = self.fired or self.failure()
        if failure is not None:
            raise failure

    def watch(self, sock: socket.socket) -> None:
        """Connected: the first token has ``token_s`` from now; ``sock`` is shut
        down when the clock runs out."""
        self._token_end = time.monotonic() + self.token_s
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired is not None
        if fired:
            _shut(sock)

    def __enter__(self) -> "Clock":
        threading.Thread(target=self._watchdog, name="llm-clock", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()

    def _watchdog(self) -> None:
        while not self._stopped.wait(min(POLL_S, self.left()) if self.cancel else self.left()):
            failure = self.failure()
            if failure is not None:
                with self._lock:
                    self.fired = failure
                    sockets = list(self._sockets)
                for sock in sockets:
                    _shut(sock)
                return


def _shut(sock: socket.socket) -> None:
    try:  # shutdown, unlike close, wakes a read blocked in another thread
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
