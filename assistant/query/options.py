"""What a question may ask for: the retrieval modes, how many passages, and the
sentence rerank. The one home of these words: the service, the settings and
the shells all read them here (light to import: no numpy, no index).
"""

from typing import Final, Literal

from assistant.errors import UsageError

MODES = ("hybrid", "dense", "keyword")
DEFAULT_MODE = "hybrid"
MAX_K = 100  # citations per question

# ``--rerank``: a number of top passages to re-score by their best sentence (0:
# never), or "auto": the top 15, only for a question asked in another language
# than the articles (see assistant.query.retrieval).
RERANK_AUTO: Final = "auto"
MAX_RERANK = 200
Rerank = int | Literal["auto"]


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise UsageError(f"unknown mode '{mode}' (choose from {', '.join(MODES)})")
    return mode


def check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise UsageError(f"k must be within 1–{MAX_K}, not {k}")
    return k


def parse_rerank(value: str | int) -> Rerank:
    """``--rerank`` / ASSISTANT_RERANK: a passage count, or "auto"."""
    if str(value).strip().lower() == RERANK_AUTO:
        return RERANK_AUTO
    try:
        n = int(value)
    except ValueError:
        n = -1
    if not 0 <= n <= MAX_RERANK:
        raise UsageError(f"rerank must be '{RERANK_AUTO}' or a number from 0 to {MAX_RERANK}, "
                         f"not {value!r}")
    return n
