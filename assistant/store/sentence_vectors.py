"""The vectors of a passage's sentences, stored with the passage.

The answer sentence of each citation is the sentence closest to the question
(query/answers.py), and the cross-lingual rerank scores a passage by its best
sentence (query/retrieval.py). Embedding those sentences when a question is
asked cost 85-90 % of a warm `ask`; embedded once at index time, a question
costs a dot product. Only passages of two sentences or more have them: a
one-sentence passage's own vector stands for its sentence.

Packed as float16, row-major, one row a sentence in ``sentences.sentence_spans``
order: half the bytes of float32, and cosines that differ by < 1e-3.
"""

import numpy as np


def pack(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype="<f2").tobytes()


def unpack(blob: bytes | None, dim: int) -> np.ndarray | None:
    """The stored vectors (one row a sentence), or None when there are none.
    Callers check the row count against the passage's sentences: a passage
    split otherwise by another version must not get another sentence's vector."""
    if not blob or dim <= 0 or len(blob) % (dim * 2):
        return None
    return np.frombuffer(blob, dtype="<f2").reshape(-1, dim).astype(np.float32)
