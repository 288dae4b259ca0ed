"""A real terminal for tests: `assistant` runs in tmux, keys go in with
send-keys and the screen comes back with capture-pane.

Headless Textual (Pilot) does not take the paths a real terminal takes (a
frame's end, synchronised output), so a bug there hides from Pilot tests.
Waits poll the screen against a deadline; nothing sleeps a fixed time.
"""

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 120.0  # seconds: generous, the machine may be busy; a pass returns at once

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it with apt-get)")


class Terminal:
    def __init__(self, args: list[str], cwd, env: dict | None = None,
                 size: tuple[int, int] = (100, 30)) -> None:
        self.socket = f"assistant-test-{uuid.uuid4().hex[:12]}"  # a private tmux server
        full_env = {"ASSISTANT_SAMPLE_DIR": "none", **(env or {})}
        exports = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in full_env.items())
        command = (f"cd {shlex.quote(str(cwd))} && env {exports} "
                   f"{shlex.quote(sys.executable)} -m assistant {shlex.join(map(str, args))}; "
                   "echo '[exited]' $?; sleep 600")  # keep the pane for a last capture
        self._tmux("new-session", "-d", "-s", "t", "-x", str(size[0]), "-y", str(size[1]),
                   command)

    def _tmux(self, *args: str) -> str:
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("TMUX", None)
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=True, env=env).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "t", *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "t", "-l", text)

    def wait_for(self, predicate, what: str, timeout: float = DEADLINE) -> str:
        """Poll the screen until ``predicate(screen)`` holds; the screen then."""
        end = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if predicate(shown):
                return shown
            if "[exited]" in shown or time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{shown}")
            time.sleep(0.05)  # a polling interval, not a wait for an outcome

    def wait_text(self, text: str, timeout: float = DEADLINE) -> str:
        return self.wait_for(lambda s: text in s, repr(text), timeout)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
