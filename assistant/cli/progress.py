"""A progress line on stderr, drawn only when stderr is a terminal."""

import sys
import time
from typing import TextIO

from assistant.progress import LABELS


class ProgressLine:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.phase: str | None = None
        self.started = time.monotonic()
        self.last_draw = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if phase != self.phase:
            self.phase, self.started = phase, now
        if done not in (0, total) and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        frac = done / total if total else 1.0
        bar = "█" * int(frac * 24) + "·" * (24 - int(frac * 24))
        eta = ""
        if 0 < done < total:
            eta = f" ETA {(now - self.started) / done * (total - done):.0f}s"
        self.stream.write(f"\r{LABELS.get(phase, phase):<18} {bar} {done}/{total}{eta}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.phase is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
