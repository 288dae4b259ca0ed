"""Progress of long jobs, reported as ``progress(phase, done, total)``: the
phases, and the words both shells show for them."""

from collections.abc import Callable
from enum import StrEnum


class Phase(StrEnum):
    SCAN = "scan"  # reading, parsing and comparing files
    EMBED = "embed"  # embedding new passages
    WRITE = "write"  # committing the update
    EVAL = "eval"  # asking an eval file's questions


# Keyed by Phase, found by plain strings too ("scan"): a StrEnum member is its value.
LABELS: dict[str, str] = {Phase.SCAN: "reading files", Phase.EMBED: "embedding passages",
                          Phase.WRITE: "writing index", Phase.EVAL: "asking questions"}

Progress = Callable[[str, int, int], None]
