"""A real `assistant serve` for tests: a subprocess on a free port (--port 0),
ready once it prints the URL it listens on (read from its stderr, never
slept for), and an HTTP client for it."""

import os
import queue
import re
import subprocess
import sys
import threading
from contextlib import contextmanager

import httpx

DEADLINE = 120.0  # seconds to start: generous, the machine may be busy


@contextmanager
def running_server(*args, env: dict | None = None, client_host: str = "127.0.0.1"):
    """Yields (base URL, the process, its stderr lines so far)."""
    full_env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1", **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", "0",
                             *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=full_env)
    lines: list[str] = []
    ready: queue.Queue = queue.Queue()

    def read() -> None:  # drains stderr for the server's whole life
        for line in proc.stderr:
            lines.append(line)
            m = re.search(r"serving http://(\S+):(\d+) ", line)
            if m:
                ready.put(f"http://{client_host}:{m.group(2)}")
        ready.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        url = ready.get(timeout=DEADLINE)
        if url is None:
            proc.wait(timeout=DEADLINE)
            raise AssertionError(f"serve exited {proc.returncode}: {''.join(lines)}")
        yield url, proc, lines
    finally:
        proc.terminate()
        proc.wait(timeout=DEADLINE)


def client(url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url, headers=headers, timeout=DEADLINE)
