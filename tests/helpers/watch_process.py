"""`assistant index --watch` as a real subprocess, read line by line as it prints."""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

# Waits for output, not sleeps: each ends as soon as the line comes. Generous,
# because the machine running the tests may be loaded.
TIMEOUT_S = 120.0


class WatchProcess:
    """The watcher's stdout (JSON summaries) and stderr lines, as they arrive."""

    def __init__(self, *args, env: dict | None = None) -> None:
        full_env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1", **(env or {})}
        # SIGINT as a terminal's ctrl+c delivers it, even when the tests run as a
        # background job (which starts its children with SIGINT ignored).
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--watch",
                                      "--json", *map(str, args)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=full_env,
                                     preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                      signal.SIG_DFL))
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.stderr: list[str] = []
        self.updates: list[dict] = []  # JSON summaries, the first update's included
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))
        self.lines.put((name, None))

    def wait_for(self, accept, timeout: float = TIMEOUT_S):
        """The first new line that ``accept(kind, line)`` takes; stdout lines
        come parsed as JSON."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no such line in {timeout:.0f} s; stderr so far: "
                                     f"{self.stderr}")
            try:
                kind, line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                if self.proc.poll() is not None and kind == "err":
                    raise AssertionError(f"the watcher exited ({self.proc.returncode}): "
                                         f"{self.stderr}")
                continue
            value = json.loads(line) if kind == "out" else line
            if kind == "out":
                self.updates.append(value)
            else:
                self.stderr.append(line)
            if accept(kind, value):
                return value

    def wait_armed(self) -> None:
        """Until it says it watches (maybe said already: stdout and stderr are
        read by two threads, so their lines may come in either order)."""
        armed = "for changes (ctrl+c stops)"
        if not any(armed in line for line in self.stderr):
            self.wait_for(lambda kind, line: kind == "err" and armed in line)

    def next_update(self, timeout: float = TIMEOUT_S) -> dict:
        return self.wait_for(lambda kind, _: kind == "out", timeout)

    def stop(self) -> int:
        """Ctrl+C; the exit code, once every line it printed has been read."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=TIMEOUT_S)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        ended = 0
        while ended < 2:
            kind, line = self.lines.get(timeout=TIMEOUT_S)
            if line is None:
                ended += 1
            elif kind == "err":
                self.stderr.append(line)
        return code
