"""FAISS vector files: an ID-mapped index whose ids are passage row ids.

Files are immutable once written: each update writes a new generation
(``vectors.<n>.faiss``) and the SQLite manifest names the current one, so the
database and the vectors change together in one SQLite commit.
"""

import os

import numpy as np

from assistant.errors import CorruptIndexError
from assistant.store.files import write_atomic


def _faiss():
    import faiss

    return faiss


def new_index(dim: int):
    faiss = _faiss()
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def load_index(path: str):
    faiss = _faiss()
    if not os.path.exists(path):
        raise CorruptIndexError(
            f"vector file {path} is missing; rebuild with: assistant index --rebuild"
        )
    try:
        index = faiss.read_index(path)
    except Exception as e:  # noqa: BLE001 - faiss raises RuntimeError with C++ text
        raise CorruptIndexError(
            f"vector file {path} is damaged ({str(e).splitlines()[0][:120]}); "
            "rebuild with: assistant index --rebuild"
        ) from None
    return index


def save_index(index, path: str) -> None:
    data = _faiss().serialize_index(index)
    write_atomic(path, memoryview(np.ascontiguousarray(data)))


def vector_ids(index) -> np.ndarray:
    return _faiss().vector_to_array(index.id_map).astype(np.int64)


def reconstruct(index, ids: list[int]) -> np.ndarray:
    return np.stack([index.reconstruct(int(i)) for i in ids]).astype(np.float32)


def remove_ids(index, ids: list[int]) -> int:
    if not ids:
        return 0
    return int(index.remove_ids(np.asarray(ids, dtype=np.int64)))


def add_vectors(index, ids: list[int], vectors: np.ndarray) -> None:
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                           np.asarray(ids, dtype=np.int64))
