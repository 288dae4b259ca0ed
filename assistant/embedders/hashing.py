"""A deterministic, dependency-free embedder: hashed bags of words.

It knows no meaning, only shared words, so it is for tests and for trying the
pipeline without a model (``--model hash``).
"""

import hashlib

import numpy as np

from assistant.text.normalize import words


class HashEmbedder:
    max_passage_chars = 1000
    reentrant = True  # a pure function of the text

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = "hash" if dim == 256 else f"hash-{dim}"
        self.calls = 0  # embed calls, counted so tests can prove what was (not) embedded
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in words(text):
            h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = float(np.linalg.norm(v))
        if n == 0:
            v[0] = 1.0
            return v
        return v / n

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._encode(texts)
