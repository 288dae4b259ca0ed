"""FAISS vector files: an index whose ids are passage row ids.

Files are immutable once written: each update writes a new generation
(``vectors.<n>.faiss``) and the SQLite manifest names the current one, so the
database and the vectors change together in one SQLite commit.

The kind of index follows the collection's size (``auto``) or is chosen:

- ``flat``: exact inner-product search; 4 bytes a dimension a passage.
- ``ivf``: inverted lists over k-means cells with 8-bit scalar-quantized
  vectors (IVF-SQ8): 1 byte a dimension; searches ``nprobe`` cells.
- ``ivf-pq``: inverted lists with product quantization (dim/4 bytes a
  passage): smallest, least exact.
- ``hnsw``: an HNSW graph over 8-bit vectors. HNSW cannot delete, so an update
  that removes passages rebuilds the graph from the stored vectors.

IVF cells are trained on the vectors present when the index is built, and
retrained (from the stored vectors, never re-embedded) when the collection has
grown fourfold since.
"""

import math
import os
import stat
from typing import Any  # FAISS ships no type information

import numpy as np

from assistant.errors import CorruptIndexError
from assistant.store.index_types import AUTO, INDEX_TYPES
from assistant.store.local.files import write_atomic


def _faiss() -> Any:
    import faiss

    return faiss


FLAT_MAX = 100_000  # auto: exact search up to this many passages, IVF-SQ8 above
RETRAIN_GROWTH = 4  # retrain IVF cells when the collection has grown this much
HNSW_M = 32
TRAIN_PER_CELL = 40  # k-means wants at least 39 training points a cell


def choose_kind(requested: str, count: int) -> str:
    if requested == AUTO:
        return "flat" if count <= FLAT_MAX else "ivf"
    if requested not in INDEX_TYPES:
        raise ValueError(f"unknown index type {requested!r}")
    return requested


def cells_for(count: int) -> int:
    """About 2·sqrt(n) cells, a power of two, and never more than the data can train."""
    want = 2 ** round(math.log2(max(2 * math.sqrt(max(count, 1)), 1)))
    return int(max(1, min(want, 65536, count // TRAIN_PER_CELL)))


def nprobe_for(cells: int) -> int:
    # Measured with benchmarks/speed/scale.py: recall@10 >= 0.95 against exact search.
    return int(min(cells, max(16, cells // 32)))


def new_index(dim: int) -> Any:
    faiss = _faiss()
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def build_index(kind: str, dim: int, ids: np.ndarray, vectors: np.ndarray,
                seed: int = 1234) -> Any:
    """A new index of ``kind`` holding ``vectors`` under ``ids`` (trained on them)."""
    faiss = _faiss()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    n = len(ids)
    if kind == "flat":
        index = new_index(dim)
    elif kind in ("ivf", "ivf-pq"):
        cells = cells_for(n)
        quantizer = faiss.IndexFlatIP(dim)
        if kind == "ivf":
            index = faiss.IndexIVFScalarQuantizer(quantizer, dim, cells,
                                                  faiss.ScalarQuantizer.QT_8bit,
                                                  faiss.METRIC_INNER_PRODUCT)
        else:
            m = next(m for m in (dim // 4, dim // 2, dim) if m and dim % m == 0)
            index = faiss.IndexIVFPQ(quantizer, dim, cells, m, 8, faiss.METRIC_INNER_PRODUCT)
        index.own_fields = True
        quantizer.this.disown()
        index.cp.seed = seed
        _train(index, vectors, max(cells * TRAIN_PER_CELL * 2, 256 * 40 if kind == "ivf-pq" else 0),
               seed)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by id
        index.nprobe = nprobe_for(cells)
    elif kind == "hnsw":
        inner = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M,
                                  faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = 64
        inner.hnsw.efSearch = 128
        _train(inner, vectors, 100_000, seed)
        index = faiss.IndexIDMap2(inner)
        index.own_fields = True
        inner.this.disown()
    else:
        raise ValueError(f"unknown index type {kind!r}")
    add_vectors(index, ids, vectors)
    return index


def _train(index: Any, vectors: np.ndarray, sample: int, seed: int) -> None:
    if len(vectors) > sample:
        rows = np.random.default_rng(seed).choice(len(vectors), sample, replace=False)
        vectors = vectors[np.sort(rows)]
    if len(vectors):
        index.train(vectors)


def kind_of(index: Any) -> str:
    faiss = _faiss()
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        return "ivf-pq" if isinstance(faiss.downcast_index(ivf), faiss.IndexIVFPQ) else "ivf"
    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    return "hnsw" if isinstance(inner, faiss.IndexHNSW) else "flat"


def contents(index: Any) -> tuple[np.ndarray, np.ndarray]:
    """Every (id, vector) the index holds; quantized kinds give their decoded vectors."""
    ids = vector_ids(index)
    if not len(ids):
        return ids, np.zeros((0, index.d), dtype=np.float32)
    if hasattr(index, "id_map"):
        return ids, index.index.reconstruct_n(0, index.ntotal).astype(np.float32)
    return ids, index.reconstruct_batch(ids).astype(np.float32)


def load_index(path: str) -> Any:
    """The vector index in ``path``: a plain file (never a link, a FIFO or a
    device, which could hang a reader) holding an index with passage ids."""
    faiss = _faiss()
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise CorruptIndexError(
            f"vector file {path} is missing; rebuild with: assistant index --rebuild"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise CorruptIndexError(f"vector file {path} is not a plain file; "
                                "rebuild with: assistant index --rebuild")
    try:
        index = faiss.read_index(path)
        if not hasattr(index, "id_map") and faiss.try_extract_index_ivf(index) is None:
            raise ValueError("the index holds no passage ids")
    except Exception as e:  # noqa: BLE001 - faiss raises RuntimeError with C++ text
        raise CorruptIndexError(
            f"vector file {path} is damaged ({(str(e).splitlines() or [''])[0][:120]}); "
            "rebuild with: assistant index --rebuild"
        ) from None
    return index


def save_index(index: Any, path: str) -> None:
    data = _faiss().serialize_index(index)
    write_atomic(path, np.ascontiguousarray(data).data)


def vector_ids(index: Any) -> np.ndarray:
    faiss = _faiss()
    if hasattr(index, "id_map"):
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    invlists = faiss.extract_index_ivf(index).invlists
    parts = []
    for cell in range(invlists.nlist):
        size = invlists.list_size(cell)
        if size:
            parts.append(faiss.rev_swig_ptr(invlists.get_ids(cell), size).copy())
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def search(index: Any, query: np.ndarray, n: int) -> list[tuple[int, float]]:
    """The ``n`` best (id, score) pairs, best first."""
    if index.ntotal == 0 or n <= 0:
        return []
    scores, ids = index.search(query.reshape(1, -1).astype(np.float32), min(n, index.ntotal))
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def search_among(index: Any, query: np.ndarray, n: int,
                 allowed: np.ndarray) -> list[tuple[int, float]]:
    """The ``n`` best among the ``allowed`` ids. FAISS searches with an id
    selector; approximate kinds (IVF visits a few cells, HNSW walks a graph)
    may then find fewer than ``n`` although ``n`` are allowed, so the allowed
    vectors are then scored exactly: a filtered question gets ``n`` passages
    whenever ``n`` pass the filter."""
    faiss = _faiss()
    want = min(n, len(allowed))
    if want <= 0 or index.ntotal == 0:
        return []
    allowed = np.ascontiguousarray(allowed, dtype=np.int64)
    selector = faiss.IDSelectorBatch(len(allowed), faiss.swig_ptr(allowed))
    ivf = faiss.try_extract_index_ivf(index)
    params = (faiss.SearchParametersIVF(sel=selector, nprobe=ivf.nprobe) if ivf is not None
              else faiss.SearchParameters(sel=selector))
    scores, ids = index.search(query.reshape(1, -1).astype(np.float32), want, params=params)
    hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
    if len(hits) >= want:
        return hits
    exact = reconstruct(index, allowed.tolist()) @ query.astype(np.float32)
    best = np.argsort(-exact, kind="stable")[:want]
    return [(int(allowed[j]), float(exact[j])) for j in best]


def reconstruct(index: Any, ids: list[int]) -> np.ndarray:
    return np.stack([index.reconstruct(int(i)) for i in ids]).astype(np.float32)


def remove_ids(index: Any, ids: list[int]) -> Any:
    """Remove ``ids``; returns the index (HNSW cannot delete: it is rebuilt without them)."""
    if not len(ids):
        return index
    if kind_of(index) == "hnsw":
        all_ids, vectors = contents(index)
        keep = ~np.isin(all_ids, np.asarray(ids, dtype=np.int64))
        return build_index("hnsw", index.d, all_ids[keep], vectors[keep])
    index.remove_ids(np.asarray(ids, dtype=np.int64))
    return index


def add_vectors(index: Any, ids: list[int] | np.ndarray, vectors: np.ndarray) -> None:
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                           np.asarray(ids, dtype=np.int64))
